package io.hybridcni.detect;

/**
 * A workload a CNI detector owns and the pod label selector its released manifests give it, so that an observer
 * can list where its pods run while it still reads the workload itself; the observer lists again with the
 * workload's real selector when that turns out to differ.
 *
 * @param runsCalicoNode whether its pods are calico-node (they tell on which nodes Calico runs)
 */
public record OwnedWorkload(KubeObject object, String podSelector, boolean runsCalicoNode) {}
