package io.hybridcni.kube;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonProperty.Access;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import tools.jackson.databind.ValueDeserializer;
import java.util.List;
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

  /**
   * A pod: its metadata, {@code spec.nodeName}, {@code status.phase} and the pod's health as {@code status} judges
   * it ({@link HealthStatus}: Ready, restarts, the first waiting reason and its image). The conditions and container
   * statuses are read from the API server's JSON only to judge the health, and are not kept: serialized (as the
   * informer's {@link io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore} turns it into its
   * fields), a pod writes its judged health under {@code status.health} instead, which reads back the same. A
   * Kubernetes {@code PodStatus} has no field {@code health} (k8s.io/api {@code core/v1/types.go}), so the two never
   * meet.
   */
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

    /** The pod's health, {@link HealthStatus#NONE} when it has no status yet. */
    HealthStatus health() {
      return status == null ? HealthStatus.NONE : status.health();
    }
  }

  /** The one field of a pod's spec the observer reads. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class PodSpec {
    @JsonProperty("nodeName")
    private String nodeName;
  }

  /**
   * The fields of a pod's status the observers read: the phase, and what the health is judged from (read, never
   * written), or the judged health (written, and read back from the store).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class PodStatus {
    @JsonProperty("phase")
    private String phase;
    @JsonProperty("health")
    private HealthStatus health;
    @JsonProperty(value = "conditions", access = Access.WRITE_ONLY)
    private List<Condition> conditions;
    @JsonProperty(value = "initContainerStatuses", access = Access.WRITE_ONLY)
    private List<ContainerHealth> initContainerStatuses;
    @JsonProperty(value = "containerStatuses", access = Access.WRITE_ONLY)
    private List<ContainerHealth> containerStatuses;

    /** The health as held, or judged from the conditions and container statuses the API server sent. */
    @JsonProperty("health")
    HealthStatus health() {
      if (health != null) {
        return health;
      }
      HealthStatus.Judgement judgement = new HealthStatus.Judgement();
      if (conditions != null) {
        conditions.forEach(c -> judgement.condition(c.type, c.status));
      }
      for (List<ContainerHealth> statuses : java.util.Arrays.asList(initContainerStatuses, containerStatuses)) {
        if (statuses != null) {
          statuses.forEach(c -> judgement.container(c.restartCount, c.state == null || c.state.waiting == null
              ? null : c.state.waiting.reason, c.image));
        }
      }
      return judgement.health();
    }
  }

  /** A pod condition: its type and status. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Condition {
    @JsonProperty("type")
    private String type;
    @JsonProperty("status")
    private String status;
  }

  /** What the health reads of a container status: its restart count, image and waiting reason. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class ContainerHealth {
    @JsonProperty("restartCount")
    private Integer restartCount;
    @JsonProperty("image")
    private String image;
    @JsonProperty("state")
    private ContainerState state;
  }

  /** A container's state, of which only {@code waiting} is read. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class ContainerState {
    @JsonProperty("waiting")
    private Waiting waiting;
  }

  /** A waiting container's reason. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Waiting {
    @JsonProperty("reason")
    private String reason;
  }
}
