/**
 * The running network, node by node: the observed CNI DaemonSets and pods ({@link
 * io.hybridcni.status.NetworkObservation}), and the pure analysis ({@link io.hybridcni.status.StatusAnalyzer})
 * that turns them into {@link io.hybridcni.status.NetworkStatus}: per node whether it is cloud or on-premises and
 * why, the CNI pods there, and the problems found. No I/O.
 */
package io.hybridcni.status;
