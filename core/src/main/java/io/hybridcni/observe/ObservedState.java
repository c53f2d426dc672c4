package io.hybridcni.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable snapshot of what the adapters saw in the cluster and the cloud. It holds facts, never secret
 * values: Secret values appear only as {@link ValueHash hashes}, AccessKeys only as ids. Parts that were not
 * found are {@code null} (or empty lists); the planner reads {@code null} as "absent", except for
 * {@link #identity} and {@link #secretNamespace}, where {@code null} means "not observed".
 *
 * <p>Saved and loaded with {@link Snapshots}; built in Java with {@link #builder()}.
 */
public record ObservedState(List<NodeInfo> nodes, CniFacts cni, TerwayFacts terway, SecretFacts secret,
    RamFacts ram, ClusterFacts cluster, List<AddonInstance> addons, ClusterIdentity identity,
    NamespaceFacts secretNamespace) {

  public ObservedState {
    nodes = Frozen.list(nodes);
    cni = cni == null ? CniFacts.NONE : cni;
    ram = ram == null ? RamFacts.NONE : ram;
    addons = Frozen.list(addons);
  }

  /** Joins what the cluster observer and the cloud observer saw. */
  public static ObservedState of(KubernetesFacts kubernetes, CloudFacts cloud) {
    return new ObservedState(kubernetes.nodes(), kubernetes.cni(), kubernetes.terway(), kubernetes.secret(),
        cloud.ram(), cloud.cluster(), cloud.addons(), kubernetes.identity(), kubernetes.secretNamespace());
  }

  /** The Kubernetes half of this state. */
  public KubernetesFacts kubernetes() {
    return new KubernetesFacts(nodes, cni, terway, secret, identity, secretNamespace);
  }

  /** The cloud half of this state. */
  public CloudFacts cloud() {
    return new CloudFacts(ram, cluster, addons);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this state. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.nodes.addAll(nodes);
    b.cni = cni;
    b.terway = terway;
    b.secret = secret;
    b.ram = ram;
    b.cluster = cluster;
    b.addons.addAll(addons);
    b.identity = identity;
    b.secretNamespace = secretNamespace;
    return b;
  }

  /** The addon instance of that name, or {@code null}. */
  public AddonInstance addon(String name) {
    return addons.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
  }

  /** Fluent construction of an {@link ObservedState}; every part defaults to absent. */
  public static final class Builder {
    private final List<NodeInfo> nodes = new ArrayList<>();
    private CniFacts cni = CniFacts.NONE;
    private TerwayFacts terway;
    private SecretFacts secret;
    private RamFacts ram = RamFacts.NONE;
    private ClusterFacts cluster;
    private final List<AddonInstance> addons = new ArrayList<>();
    private ClusterIdentity identity;
    private NamespaceFacts secretNamespace;

    private Builder() {}

    public Builder node(NodeInfo node) {
      nodes.add(Objects.requireNonNull(node, "node"));
      return this;
    }

    public Builder nodes(List<NodeInfo> value) {
      nodes.clear();
      nodes.addAll(value);
      return this;
    }

    public Builder cni(CniFacts value) {
      this.cni = value;
      return this;
    }

    public Builder calico(CalicoFacts value) {
      this.cni = cni.withCalico(value);
      return this;
    }

    public Builder flannel(FlannelFacts value) {
      return part(CniFacts.FLANNEL, value);
    }

    public Builder cilium(CiliumFacts value) {
      return part(CniFacts.CILIUM, value);
    }

    /** Another CNI's facts under the key its detector names ({@code null}: that CNI left no trace). */
    public Builder part(String key, CniPart value) {
      this.cni = cni.withPart(key, value);
      return this;
    }

    public Builder terway(TerwayFacts value) {
      this.terway = value;
      return this;
    }

    public Builder secret(SecretFacts value) {
      this.secret = value;
      return this;
    }

    public Builder ram(RamFacts value) {
      this.ram = value;
      return this;
    }

    public Builder cluster(ClusterFacts value) {
      this.cluster = value;
      return this;
    }

    public Builder addon(AddonInstance value) {
      addons.removeIf(a -> a.name().equals(value.name()));
      addons.add(value);
      return this;
    }

    public Builder addons(List<AddonInstance> value) {
      addons.clear();
      addons.addAll(value);
      return this;
    }

    /** What the cluster says about which ACK cluster it is. Default: not observed. */
    public Builder identity(ClusterIdentity value) {
      this.identity = value;
      return this;
    }

    /** Whether the Secret's namespace exists. Default: not observed. */
    public Builder secretNamespace(NamespaceFacts value) {
      this.secretNamespace = value;
      return this;
    }

    public ObservedState build() {
      return new ObservedState(nodes, cni, terway, secret, ram, cluster, addons, identity, secretNamespace);
    }
  }
}
