/**
 * Kubernetes test fixtures for the fabric8 mock server in CRUD mode: sample registered clusters loaded from YAML
 * resources ({@link io.hybridcni.testkit.kube.KubeSampleCluster}), a stand-in for the DaemonSet controller that
 * the mock lacks ({@link io.hybridcni.testkit.kube.DaemonSetController}) and the requests the mock recorded
 * ({@link io.hybridcni.testkit.kube.MockRequests}).
 */
package io.hybridcni.testkit.kube;
