/**
 * The fleet mode: one controller deployment in a hub cluster keeps many registered clusters, each described by a
 * {@code HybridNetwork} that names the Secret holding its kubeconfig; replicas split the clusters by shard Leases.
 */
package io.hybridcni.controller.fleet;
