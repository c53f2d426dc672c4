package io.hybridcni.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code status} judges a pod's health by, and nothing more: whether its {@code Ready} condition is
 * {@code True}, the sum of its init and app containers' {@code restartCount}, and the reason (and image) of the
 * first container that waits (init containers first). The live status read judges a full {@link Pod} with it
 * ({@link #of(Pod)}), the cache judges each pod as it is listed or watched and keeps only this (a few words per pod),
 * so both give the same answer from the same pod.
 *
 * @param ready whether the {@code Ready} condition is {@code True}
 * @param restarts the sum of the containers' restart counts
 * @param waitingReason the first waiting container's reason, {@code null} when none waits
 * @param waitingImage that container's image, {@code null} when none waits
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record HealthStatus(@JsonProperty("ready") boolean ready, @JsonProperty("restarts") int restarts,
    @JsonProperty("waitingReason") String waitingReason, @JsonProperty("waitingImage") String waitingImage) {

  /** A pod without a status yet: not Ready, no restarts, nothing waiting. */
  static final HealthStatus NONE = new HealthStatus(false, 0, null, null);

  /** The health of a full pod as the API server gives it. */
  static HealthStatus of(Pod pod) {
    Judgement judgement = new Judgement();
    if (pod.getStatus() == null) {
      return judgement.health();
    }
    List<PodCondition> conditions = pod.getStatus().getConditions() == null ? List.of()
        : pod.getStatus().getConditions();
    conditions.forEach(c -> judgement.condition(c.getType(), c.getStatus()));
    for (List<ContainerStatus> statuses : Arrays.asList(pod.getStatus().getInitContainerStatuses(),
        pod.getStatus().getContainerStatuses())) {
      if (statuses == null) {
        continue;
      }
      for (ContainerStatus c : statuses) {
        judgement.container(c.getRestartCount(), c.getState() == null || c.getState().getWaiting() == null ? null
            : c.getState().getWaiting().getReason(), c.getImage());
      }
    }
    return judgement.health();
  }

  /** The one judgement: fed the conditions, then the init containers' statuses, then the app containers'. */
  static final class Judgement {
    private boolean ready;
    private int restarts;
    private String waiting;
    private String waitingImage;

    /** One condition of the pod. */
    void condition(String type, String status) {
      if ("Ready".equals(type) && "True".equals(status)) {
        ready = true;
      }
    }

    /** One container's status: its restart count, the reason it waits ({@code null} when it does not), image. */
    void container(Integer restartCount, String waitingReason, String image) {
      restarts += restartCount == null ? 0 : restartCount;
      if (waiting == null && waitingReason != null) {
        waiting = waitingReason;
        waitingImage = image;
      }
    }

    HealthStatus health() {
      return !ready && restarts == 0 && waiting == null ? NONE
          : new HealthStatus(ready, restarts, waiting, waitingImage);
    }
  }
}
