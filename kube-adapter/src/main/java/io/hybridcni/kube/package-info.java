/**
 * The Kubernetes adapter on the fabric8 client: reads nodes, CNI objects, Terway and the Secret ({@link
 * io.hybridcni.kube.KubernetesObserver}, {@link io.hybridcni.kube.KubernetesStatusObserver}), and applies the CNI
 * exclusion, Secret and Terway actions ({@link io.hybridcni.kube.KubeExecutors}) with read-modify-write updates that
 * carry the read {@code resourceVersion}, dry runs, Events and an apply lock on a Lease.
 */
package io.hybridcni.kube;
