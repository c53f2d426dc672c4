package io.hybridcni.observe;

import java.util.List;

/** The Alibaba Cloud half of an {@link ObservedState}: RAM, the ACK cluster record and its addon instances. */
public record CloudFacts(RamFacts ram, ClusterFacts cluster, List<AddonInstance> addons) {

  public CloudFacts {
    ram = ram == null ? RamFacts.NONE : ram;
    addons = Frozen.list(addons);
  }
}
