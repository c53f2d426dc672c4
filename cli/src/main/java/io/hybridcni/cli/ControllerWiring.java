package io.hybridcni.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.port.CloudObserver;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.port.NetworkStatusObserver;
import java.util.function.Function;

/**
 * What {@code hybridcni controller} is built from in an environment: the cluster's client (for the Leases), the live
 * observers (the planning observer until the informer caches are wired in), the network status observer, and the
 * writer: the Reconciler {@code apply} uses, around the lock the controller gives it.
 */
record ControllerWiring(KubernetesClient client, ClusterObserver observer, CloudObserver cloud,
    NetworkStatusObserver status, Function<ApplyLock, Reconciler> writer) {}
