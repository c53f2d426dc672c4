package io.hybridcni.kube;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * Nodes and pods as a list reads them: only the fields the observer looks at, everything else skipped by the JSON
 * parser instead of being bound into fabric8's full model. A node's status (conditions, images, nodeInfo) and a
 * pod's containers, volumes and statuses are most of each object's bytes and of the time fabric8 spends binding a
 * page of them (at 5,000 nodes and as many pods, most of the observer's CPU); none of it is read.
 *
 * <p>They name the same resources as {@link io.fabric8.kubernetes.api.model.Node} and
 * {@link io.fabric8.kubernetes.api.model.Pod} ({@code v1}, core group, {@code nodes}/{@code pods}), so
 * {@code client.resources(ListedNode.class)} lists {@code /api/v1/nodes} exactly as {@code client.nodes()} does. They
 * are only ever read, never written back: a lean object sent in an update would drop every field it skipped.
 *
 * <p>{@code @JsonDeserialize(using = None)} as on fabric8's own model classes: {@code KubernetesResource} carries
 * fabric8's deserializer that picks the class by {@code apiVersion} and {@code kind}, and without this the list's
 * items would be read as full {@code Node}s and {@code Pod}s again.
 */
final class ListedObjects {

  private ListedObjects() {}

  /** A node: its metadata (name, labels) and {@code spec.providerID}. */
  @Group("")
  @Version("v1")
  @Kind("Node")
  @Plural("nodes")
  @JsonDeserialize(using = ValueDeserializer.None.class)
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class ListedNode implements HasMetadata {
    @JsonProperty("apiVersion")
    private String apiVersion = "v1";
    @JsonProperty("metadata")
    private ObjectMeta metadata;
    @JsonProperty("spec")
    private NodeSpec spec;

    @Override
    public ObjectMeta getMetadata() {
      return metadata;
    }

    @Override
    public void setMetadata(ObjectMeta metadata) {
      this.metadata = metadata;
    }

    @Override
    public String getApiVersion() {
      return apiVersion;
    }

    @Override
    public void setApiVersion(String apiVersion) {
      this.apiVersion = apiVersion;
    }

    /** {@code spec.providerID}, or {@code null} when the node has no spec or no provider id. */
    String providerId() {
      return spec == null ? null : spec.providerId;
    }
  }

  /** The one field of a node's spec the observer reads. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class NodeSpec {
    @JsonProperty("providerID")
    private String providerId;
  }

  /** A pod: its metadata, {@code spec.nodeName} and {@code status.phase}. */
  @Group("")
  @Version("v1")
  @Kind("Pod")
  @Plural("pods")
  @JsonDeserialize(using = ValueDeserializer.None.class)
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class ListedPod implements HasMetadata, Namespaced {
    @JsonProperty("apiVersion")
    private String apiVersion = "v1";
    @JsonProperty("metadata")
    private ObjectMeta metadata;
    @JsonProperty("spec")
    private PodSpec spec;
    @JsonProperty("status")
    private PodStatus status;

    @Override
    public ObjectMeta getMetadata() {
      return metadata;
    }

    @Override
    public void setMetadata(ObjectMeta metadata) {
      this.metadata = metadata;
    }

    @Override
    public String getApiVersion() {
      return apiVersion;
    }

    @Override
    public void setApiVersion(String apiVersion) {
      this.apiVersion = apiVersion;
    }

    /** {@code spec.nodeName}: where the pod is bound, or {@code null} while it is not scheduled. */
    String nodeName() {
      return spec == null ? null : spec.nodeName;
    }

    /** {@code status.phase}, or {@code null} when the pod has no status yet. */
    String phase() {
      return status == null ? null : status.phase;
    }
  }

  /** The one field of a pod's spec the observer reads. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class PodSpec {
    @JsonProperty("nodeName")
    private String nodeName;
  }

  /** The one field of a pod's status the observer reads. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class PodStatus {
    @JsonProperty("phase")
    private String phase;
  }
}
