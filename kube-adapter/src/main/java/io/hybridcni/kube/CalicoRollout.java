package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.planner.CniExclusion;
import io.hybridcni.spec.NodeLabel;
import io.hybridcni.status.Cni;
import io.hybridcni.status.CniPod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link CniExclusionExecutor} does after its write: follows the rollout of the calico-node DaemonSet it
 * changed (for the Tigera operator, first waits until the operator has rendered the Installation's exclusion into
 * {@code calico-system/calico-node}), and stops before harm spreads.
 *
 * <p>The rollout is done when the DaemonSet's status says so, as {@code kubectl rollout status} reads it (kubernetes/
 * kubectl {@code pkg/polymorphichelpers/rollout_status.go} DaemonSetStatusViewer: {@code observedGeneration} at
 * least the generation, here the one the write made; {@code updatedNumberScheduled} and {@code numberAvailable} not
 * below {@code desiredNumberScheduled}; for OnDelete the updated count is not asked for), with
 * {@code numberUnavailable == 0} and {@code numberMisscheduled == 0} on top. The last one is what proves calico-node
 * left the cloud nodes: the DaemonSet controller counts as misscheduled every node that runs a pod of the DaemonSet
 * but that its current template (now with the exclusion) does not allow, and counts a pod being deleted until it is
 * gone or has terminated (kubernetes {@code pkg/controller/daemon/daemon_controller.go} updateDaemonSetStatus, from
 * getNodesToDaemonPods with includeDeletedTerminal false; NodeShouldRunDaemonPod judges the required node affinity),
 * and it raises {@code observedGeneration} only in a sync that processed that generation (syncDaemonSet writes the
 * status without raising it while earlier pod creations or deletions are still expected). The action fails (so
 * that nothing depending on it, the addon install, runs) when more on-premises pods are not Ready than the
 * DaemonSet's {@code maxUnavailable} at two polls in a row (a rolling update never takes more
 * down on its own: kubernetes {@code pkg/controller/daemon/update.go} rollingUpdate), when the progress (updated,
 * ready and unavailable pods, pods left on cloud nodes) stayed the same for the stall period (new pods that never
 * become Ready hold a rolling update at {@code maxUnavailable} for good), or at the timeout. Its message names each
 * on-premises node whose pod is not Ready and why (the waiting reason, the restarts).
 *
 * <p>What following it costs: the rollout starts from the DaemonSet the update answered (or, when nothing was
 * written, the one just read), and the DaemonSet is then followed by one watch from that object's
 * {@code resourceVersion} ({@link DaemonSetWatch}: a 410 Gone or a watch ended by the server reads it again and
 * watches from there; a server refusing the watch is polled with a GET after every pause instead), so the calls do
 * not grow with the rollout's length. The pods and the cloud nodes are listed only when the status counts more
 * unavailable than {@code maxUnavailable} (the gate is then judged on the pods themselves), and once when the wait
 * fails, to name the pods; a rollout that goes well reads neither.
 *
 * <p>{@code updateStrategy: OnDelete}: a template change restarts nothing (update.go runs no rolling update for it).
 * The calico pods on the cloud nodes the plan names ({@code deletePodsOnNodes}: none when the spec's
 * {@code network.deleteCloudNodePods} is false) that carry the cloud label now are deleted here, one at a time,
 * each node read again right
 * before (a node no longer carrying the label keeps its pod), each deletion waited for (GET until 404) and recorded
 * as a {@value #POD_DELETED_REASON} Event on the DaemonSet. A pod on an on-premises node is never deleted. (The real
 * DaemonSet controller also deletes a pod whose node the current template no longer allows, whatever the strategy:
 * {@code pkg/controller/daemon/daemon_controller.go} podsShouldBeOnNode; deleting it here does not depend on that,
 * and a 404 means the controller was first.) A DELETE whose answer was lost is read back, never assumed. The old
 * on-premises pods keep running their old template: that is what OnDelete means, and it is not waited for.
 */
final class CalicoRollout {

  static final String POD_DELETED_REASON = "CalicoPodDeletedFromCloudNode";
  /** The fixed part of the default timeout; 1 minute per batch of the rolling update comes on top. */
  static final int BASE_TIMEOUT_MINUTES = 3;

  private static final Logger LOG = LoggerFactory.getLogger(CalicoRollout.class);
  private static final Backoff THROTTLED = new Backoff(Duration.ofMillis(200), Duration.ofMillis(6400));

  private final KubernetesClient client;
  private final KubernetesClient writer;
  private final int pageSize;
  private final KubeEvents events;
  private final RolloutWait wait;
  private final Duration timeout;
  private final Duration stallPeriod;
  private final int maxAttempts;

  CalicoRollout(KubernetesClient client, int pageSize, KubeEvents events, RolloutWait wait, Duration timeout,
      Duration stallPeriod, int maxAttempts) {
    this.client = client;
    // The DELETE goes without fabric8's own retries, so that a lost answer is seen here and read back.
    RequestConfig noRetries = new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0).build();
    this.writer = client.newClient(noRetries).adapt(KubernetesClient.class);
    this.pageSize = pageSize;
    this.events = events;
    this.wait = wait;
    this.timeout = timeout;
    this.stallPeriod = stallPeriod;
    this.maxAttempts = maxAttempts;
  }

  /** The default timeout for a DaemonSet as it is now (see {@link CniExclusionExecutor.Builder#rolloutTimeout}). */
  static Duration defaultTimeout(DaemonSet ds) {
    int desired = ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null ? 0
        : ds.getStatus().getDesiredNumberScheduled();
    int max = Math.max(RolloutWait.maxUnavailable(ds, desired), 1);
    long batches = (desired + max - 1) / max;
    return Duration.ofMinutes(BASE_TIMEOUT_MINUTES + batches);
  }

  /** Where calico-node runs for {@code target}: the DaemonSet itself, or the one the Tigera operator renders. */
  static WorkloadRef calicoNode(WorkloadRef target) {
    return target.kind() == WorkloadRef.Kind.DAEMON_SET ? target
        : WorkloadRef.daemonSet(CalicoReader.OPERATOR_NAMESPACE, CalicoReader.CALICO_NODE);
  }

  // ------------------------------------------------------------------------------------------------ dry run

  /** A dry run's result, with the pod deletions an OnDelete DaemonSet would get described. */
  StepResult describeDeletions(Action action, ActionDetail.CniExclusion detail, StepResult written) {
    if (detail.target().kind() != WorkloadRef.Kind.DAEMON_SET) {
      return written;
    }
    DaemonSet ds = new DaemonSets(client).get(detail.target().namespace(), detail.target().name());
    if (ds == null || !RolloutWait.onDelete(ds)) {
      return written;
    }
    NodeLabel label = label(detail);
    List<Pod> onCloud = podsOnCloudNodes(ds, label, detail.deletePodsOnNodes());
    if (onCloud.isEmpty()) {
      return written;
    }
    String deletions = "; updateStrategy is OnDelete, so the calico pod(s) on cloud nodes would then be deleted "
        + "one at a time: " + onCloud.stream().map(p -> p.getMetadata().getName() + " on "
            + p.getSpec().getNodeName()).collect(Collectors.joining(", "));
    List<String> requests = new ArrayList<>(written.requests());
    onCloud.forEach(p -> requests.add(new ClientRequest("DELETE", Resources.path("", "v1", "pods",
        p.getMetadata().getNamespace(), p.getMetadata().getName()), null).render()));
    if (written.status() != StepStatus.DRY_RUN) {
      return new StepResult(written.status(), written.message() + deletions, written.dryRunMode(),
          written.requests());
    }
    return new StepResult(StepStatus.DRY_RUN, written.message() + deletions, written.dryRunMode(), requests);
  }

  // ------------------------------------------------------------------------------------------------ for real

  /** Follows the rollout after {@code written}; answers it with what the rollout came to, or fails. */
  StepResult follow(Action action, ActionDetail.CniExclusion detail, ExecutionContext context, StepResult written) {
    return follow(action, detail, context, written, null);
  }

  /**
   * As {@link #follow(Action, ActionDetail.CniExclusion, ExecutionContext, StepResult)}; {@code afterWrite} is the
   * DaemonSet as the API server answered its update ({@code null} when nothing was written, or the object written
   * was the Installation): its generation and status are those a GET right after would show, so it is not read
   * again.
   */
  StepResult follow(Action action, ActionDetail.CniExclusion detail, ExecutionContext context, StepResult written,
      DaemonSet afterWrite) {
    NodeLabel label = label(detail);
    WorkloadRef ref = calicoNode(detail.target());
    DaemonSet ds = afterWrite != null && detail.target().kind() == WorkloadRef.Kind.DAEMON_SET ? afterWrite
        : wait.read(action, ref);
    Duration limit = timeout != null ? timeout : defaultTimeout(ds);
    Duration waited = Duration.ZERO;
    if (detail.target().kind() == WorkloadRef.Kind.TIGERA_INSTALLATION) {
      waited = awaitRender(action, context, detail.target(), ref, label, limit);
      ds = wait.read(action, ref);
    }
    long generation = RolloutWait.generation(ds);
    // The DaemonSet just read (or answered by the update) is the first poll, unless pods were deleted since.
    DaemonSet first = ds;
    if (RolloutWait.onDelete(ds)) {
      waited = deleteCloudPods(action, context, ds, label, detail.deletePodsOnNodes(), waited, limit);
      first = null;
    }
    Observed[] last = {null};
    DaemonSet[] latest = {ds};
    int[] overGate = {0};
    waited = wait.await(action, context, ref, first, waited, limit, stallPeriod, d -> {
      latest[0] = d;
      Observed seen = observe(d, generation, label, false);
      last[0] = seen;
      String progress = seen.progress();
      if (seen.done()) {
        return RolloutWait.Poll.done("rollout done: " + progress);
      }
      if (seen.notReady().size() > seen.maxUnavailable()) {
        if (++overGate[0] >= 2) {
          return RolloutWait.Poll.stop(progress, "because " + seen.notReady().size() + " of its pods on "
              + "on-premises nodes were not Ready, more than its maxUnavailable of " + seen.maxUnavailable()
              + ", at two polls in a row");
        }
      } else {
        overGate[0] = 0;
      }
      return RolloutWait.Poll.waiting(progress, seen.progressKey());
    }, (ending, poll, w, unchangedFor) -> failure(action, ref, ending, poll,
        last[0] != null && last[0].podsRead() ? last[0] : observe(latest[0], generation, label, true), limit,
        unchangedFor));
    Observed done = last[0];
    String message = written.message() + "; the rollout of " + ref.address() + " is done: "
        + done.rollout().ready() + " pod(s) Ready on on-premises nodes, none on cloud nodes ("
        + waited.toSeconds() + " s waited)";
    return new StepResult(written.status(), message, null, List.of());
  }

  /** Waits until the Tigera operator rendered the exclusion into the calico-node DaemonSet's template. */
  private Duration awaitRender(Action action, ExecutionContext context, WorkloadRef installation, WorkloadRef ref,
      NodeLabel label, Duration limit) {
    return awaitRender(action, context, installation, ref, label, limit, false);
  }

  /**
   * Waits until the Tigera operator rendered the Installation into the calico-node DaemonSet's template: with the
   * exclusion in every term, or ({@code removed}) with it in none.
   */
  private Duration awaitRender(Action action, ExecutionContext context, WorkloadRef installation, WorkloadRef ref,
      NodeLabel label, Duration limit, boolean removed) {
    String waiting = "waiting for the Tigera operator to render the new generation of " + installation.address()
        + " into " + ref.address();
    NodeSelectorRequirement exclusion = CniExclusion.exclusion(label);
    return wait.await(action, context, ref, Duration.ZERO, limit, null, ds -> {
      List<NodeSelectorTerm> terms = Placements.of(DaemonSets.podSpec(ds)).requiredTerms();
      boolean rendered = removed ? terms.stream().noneMatch(t -> t.matchExpressions().contains(exclusion))
          : !terms.isEmpty() && CniExclusion.exclude(terms, label).equals(terms);
      return rendered ? RolloutWait.Poll.done("the Tigera operator rendered " + (removed ? "the removal of the "
          + "exclusion" : "the exclusion") + " into " + ref.address() + " (generation "
          + RolloutWait.generation(ds) + ")") : RolloutWait.Poll.waiting(waiting, "render");
    }, (ending, poll, waited, unchangedFor) -> new HybridCniException(action.id() + ": the Tigera operator did "
        + "not render " + installation.address() + " into " + ref.address() + " within " + limit + " (its pod "
        + "template still " + (removed ? "has " : "lacks ") + label.key() + " NotIn [" + label.value()
        + "]); see the operator's logs (kubectl -n tigera-operator logs deployment/tigera-operator) and "
        + "'kubectl get tigerastatus'. " + (removed ? removalConsequence(ref) : consequence())));
  }

  // ------------------------------------------------------------------------------------------------ removal

  /**
   * Follows the rollout the removal of the exclusion causes (destroy's {@code REMOVE_CNI_EXCLUSION}): for the Tigera
   * operator, first until it rendered the removal into {@code calico-system/calico-node}; then until the DaemonSet's
   * rollout is done exactly as {@code kubectl rollout status} judges it
   * ({@link RolloutWait.Rollout#doneAsKubectlJudges}: the generation observed, every desired pod updated and
   * available), so that calico-node runs again on the cloud nodes the template allows now before destroy goes on.
   * {@code afterWrite} is the DaemonSet the update answered ({@code null}: nothing written, or the Installation was):
   * the first look and the version the watch starts from. Fails at the timeout, naming the counts.
   */
  StepResult followRemoval(Action action, WorkloadRef target, NodeLabel label, ExecutionContext context,
      StepResult written, DaemonSet afterWrite) {
    WorkloadRef ref = calicoNode(target);
    DaemonSet ds = afterWrite != null && target.kind() == WorkloadRef.Kind.DAEMON_SET ? afterWrite
        : wait.read(action, ref);
    Duration limit = timeout != null ? timeout : defaultTimeout(ds);
    Duration waited = Duration.ZERO;
    if (target.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION) {
      waited = awaitRender(action, context, target, ref, label, limit, true);
      ds = wait.read(action, ref);
    }
    long generation = RolloutWait.generation(ds);
    RolloutWait.Rollout[] last = {null};
    waited = wait.await(action, context, ref, ds, waited, limit, stallPeriod, d -> {
      RolloutWait.Rollout rollout = RolloutWait.Rollout.of(d, generation);
      last[0] = rollout;
      return rollout.doneAsKubectlJudges(RolloutWait.onDelete(d)) ? RolloutWait.Poll.done("rollout done: " + rollout)
          : RolloutWait.Poll.waiting(rollout.toString(), rollout);
    }, (ending, poll, w, unchangedFor) -> new HybridCniException(action.id() + ": stopped following the rollout of "
        + ref.address() + " " + switch (ending) {
          case STOPPED -> poll.stop();
          case STALLED -> "because it made no progress for " + unchangedFor.toSeconds() + " s";
          case TIMED_OUT -> "because it did not finish within " + limit;
        } + ": " + poll.progress() + ". " + removalConsequence(ref)));
    return new StepResult(written.status(), written.message() + "; the rollout of " + ref.address() + " is done: "
        + last[0].available() + " of " + last[0].desired() + " pod(s) available (" + waited.toSeconds()
        + " s waited)", null, List.of());
  }

  /** What a removal whose rollout did not finish leaves behind. */
  private static String removalConsequence(WorkloadRef ref) {
    return "The exclusion is removed; calico-node may not run on every node its template allows until the rollout "
        + "finishes: see 'kubectl -n " + ref.namespace() + " rollout status daemonset/" + ref.name() + "'.";
  }

  /**
   * What one poll saw of the DaemonSet and, when {@code podsRead}, of its pods and the cloud nodes (without them
   * {@code onCloud} and {@code notReady} are empty and say nothing).
   */
  record Observed(RolloutWait.Rollout rollout, boolean onDelete, int maxUnavailable, List<CniPod> onCloud,
      List<CniPod> notReady, boolean podsRead) {

    /**
     * Whether the DaemonSet's status proves the rollout done: {@code kubectl rollout status}'s judgement
     * ({@link RolloutWait.Rollout#doneAsKubectlJudges}), no pod unavailable, and no pod on a node the template
     * (with the exclusion) does not allow, which is every cloud node.
     */
    static boolean statusDone(RolloutWait.Rollout rollout, boolean onDelete) {
      return rollout.doneAsKubectlJudges(onDelete) && rollout.unavailable() == 0 && rollout.misscheduled() == 0;
    }

    /** The status proves it done, and the pods, when they were read, do not say otherwise. */
    boolean done() {
      return statusDone(rollout, onDelete) && (!podsRead || (onCloud.isEmpty() && notReady.isEmpty()));
    }

    Object progressKey() {
      return List.of(rollout.observed(), rollout.updated(), rollout.ready(), rollout.unavailable(),
          rollout.misscheduled(), podsRead ? onCloud.size() : -1);
    }

    String progress() {
      StringBuilder s = new StringBuilder();
      s.append(onDelete ? "OnDelete, " : "").append(rollout.updated()).append(" of ").append(rollout.desired())
          .append(" updated, ").append(rollout.ready()).append(" ready, ").append(rollout.unavailable())
          .append(" unavailable");
      if (rollout.misscheduled() > 0) {
        s.append(", ").append(rollout.misscheduled()).append(" on nodes its template no longer allows");
      }
      if (!onCloud.isEmpty()) {
        s.append(", ").append(onCloud.size()).append(" still on cloud nodes");
      }
      if (!notReady.isEmpty()) {
        s.append(", not Ready on ").append(notReady.stream().map(CniPod::node).collect(Collectors.joining(", ")));
      }
      s.append("; generation ").append(rollout.generation()).append(rollout.observed() ? " observed"
          : " not yet observed (observed " + rollout.observedGeneration() + ")");
      return s.toString();
    }
  }

  /**
   * One poll's view. The pods and the cloud nodes are read ({@code always}, to name them in a failure, or) only when
   * the status counts more pods unavailable than {@code maxUnavailable}: the gate is then judged on the pods
   * themselves (a pod not Ready on a node that should run one always counts as unavailable in the status,
   * kubernetes {@code pkg/controller/daemon/daemon_controller.go} updateDaemonSetStatus, so the gate cannot be
   * passed over). Otherwise the status is the whole poll, its end included ({@link Observed#statusDone}).
   */
  private Observed observe(DaemonSet ds, long generation, NodeLabel label, boolean always) {
    RolloutWait.Rollout rollout = RolloutWait.Rollout.of(ds, generation);
    boolean onDelete = RolloutWait.onDelete(ds);
    int maxUnavailable = RolloutWait.maxUnavailable(ds, rollout.desired());
    if (!always && rollout.unavailable() <= maxUnavailable) {
      return new Observed(rollout, onDelete, maxUnavailable, List.of(), List.of(), false);
    }
    // The cloud nodes and the pods do not depend on each other: both are read at once.
    CompletableFuture<Map<String, Boolean>> cloudRead = ReadAtOnce.start(() -> cloudNodes(label));
    List<Pod> pods = pods(ds);
    Map<String, Boolean> cloud = ReadAtOnce.join(cloudRead);
    WorkloadRef ref = WorkloadRef.daemonSet(ds.getMetadata().getNamespace(), ds.getMetadata().getName());
    List<CniPod> onCloud = new ArrayList<>();
    List<CniPod> notReady = new ArrayList<>();
    for (Pod pod : pods) {
      CniPod p = KubernetesStatusObserver.pod(pod, ref, Cni.CALICO);
      if (p.node() == null) {
        continue; // not scheduled yet: counted by the controller as unavailable
      }
      if (Boolean.TRUE.equals(cloud.get(p.node()))) {
        onCloud.add(p);
      } else if (!p.ready() || !"Running".equals(p.phase())) {
        notReady.add(p);
      }
    }
    notReady.sort(Comparator.comparing(CniPod::node));
    onCloud.sort(Comparator.comparing(CniPod::node));
    return new Observed(rollout, onDelete, maxUnavailable, onCloud, notReady, true);
  }

  private RuntimeException failure(Action action, WorkloadRef ref, RolloutWait.Ending ending, RolloutWait.Poll poll,
      Observed seen, Duration limit, Duration unchangedFor) {
    String why = switch (ending) {
      case STOPPED -> poll.stop();
      case STALLED -> "because it made no progress for " + unchangedFor.toSeconds() + " s (updated, ready and "
          + "unavailable pods unchanged)";
      case TIMED_OUT -> "because it did not finish within " + limit;
    };
    StringBuilder s = new StringBuilder(action.id()).append(": stopped following the rollout of ")
        .append(ref.address()).append(' ').append(why).append(": ")
        .append(seen != null ? seen.progress() : poll.progress()).append('.');
    if (seen != null && !seen.notReady().isEmpty()) {
      s.append(" Calico pods not Ready on on-premises nodes: ").append(seen.notReady().stream()
          .map(CalicoRollout::describe).collect(Collectors.joining("; "))).append('.');
    }
    if (seen != null && !seen.onCloud().isEmpty()) {
      s.append(" Calico pods still on cloud nodes: ").append(seen.onCloud().stream()
          .map(p -> p.node() + " (pod " + p.name() + ")").collect(Collectors.joining("; "))).append('.');
    }
    s.append(" The exclusion is written. ").append(consequence());
    return new HybridCniException(s.toString());
  }

  /** What the failure of this step means for the rest of the plan, and how to undo it. */
  private static String consequence() {
    return "Nothing that depends on this step ran: the Terway addon was not installed. Taking the exclusion out "
        + "again is the " + ActionKind.REMOVE_CNI_EXCLUSION.name().toLowerCase(Locale.ROOT) + " step of destroy.";
  }

  private static String describe(CniPod p) {
    String reason = p.waitingReason() != null ? p.waitingReason()
        : (p.phase() == null ? "no phase" : p.phase()) + ", not Ready";
    return p.node() + " (pod " + p.name() + ": " + reason + ", " + p.restarts() + " restart"
        + (p.restarts() == 1 ? "" : "s") + ")";
  }

  // ------------------------------------------------------------------------------------------------ OnDelete

  /**
   * Deletes the DaemonSet's pods on the nodes the plan names ({@code planned}: none when the spec's
   * {@code network.deleteCloudNodePods} is false) that carry the cloud label now, one at a time; answers the time
   * waited.
   */
  private Duration deleteCloudPods(Action action, ExecutionContext context, DaemonSet ds, NodeLabel label,
      List<String> planned, Duration waited, Duration limit) {
    for (Pod pod : podsOnCloudNodes(ds, label, planned)) {
      String name = pod.getMetadata().getName();
      String node = pod.getSpec().getNodeName();
      // The node as it is right now: one relabelled on-premises since the listing keeps its pod.
      Node fresh = KubeOperation.get("", "nodes", null, node).run(() -> client.nodes().withName(node).get());
      if (fresh == null || !label.value().equals(labels(fresh).get(label.key()))) {
        LOG.info("{}: node {} no longer carries {}; its pod {} is kept", action.id(), node, label, name);
        continue;
      }
      delete(action, context, ds, pod);
      waited = awaitGone(action, context, pod, waited, limit);
    }
    return waited;
  }

  private void delete(Action action, ExecutionContext context, DaemonSet ds, Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String node = pod.getSpec().getNodeName();
    String message = "hybridcni deleted pod " + name + " from cloud node " + node + ": updateStrategy OnDelete "
        + "restarts nothing, and the on-premises CNI must not run on cloud nodes";
    KubeOperation op = KubeOperation.delete("", "pods", namespace, name);
    for (int attempt = 1; ; attempt++) {
      try {
        List<StatusDetails> deleted = writer.pods().inNamespace(namespace).withName(name).delete();
        if (deleted.isEmpty()) {
          LOG.info("{}: pod {} on {} was already gone", action.id(), name, node);
          return;
        }
        events.emit(ds, POD_DELETED_REASON, message);
        LOG.info("{}: deleted pod {} on cloud node {}", action.id(), name, node);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 429 && attempt < maxAttempts) {
          wait.pause(THROTTLED.delay(attempt));
          continue;
        }
        if (KubeOperation.outcomeUnknown(e) && attempt < maxAttempts) {
          // The API server may have taken the delete although its answer was lost: read the pod back.
          context.listener().retrying(action, "delete pod " + namespace + "/" + name, attempt, Duration.ZERO,
              (e.getCode() <= 0 ? "no answer" : "HTTP " + e.getCode()) + ": the delete may have been taken");
          Pod now = KubeOperation.get("", "pods", namespace, name)
              .run(() -> client.pods().inNamespace(namespace).withName(name).get());
          if (now == null || !Objects.equals(now.getMetadata().getUid(), pod.getMetadata().getUid())
              || now.getMetadata().getDeletionTimestamp() != null) {
            events.emit(ds, POD_DELETED_REASON, message);
            LOG.info("{}: the delete of pod {} lost its answer; reading it back shows it taken", action.id(), name);
            return;
          }
          continue;
        }
        throw op.failure(e, Redaction.NONE);
      }
    }
  }

  /** Reads the pod until it is gone (404, or another pod of that name); answers the time waited. */
  private Duration awaitGone(Action action, ExecutionContext context, Pod pod, Duration waited, Duration limit) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    while (true) {
      Pod now = KubeOperation.get("", "pods", namespace, name)
          .run(() -> client.pods().inNamespace(namespace).withName(name).get());
      if (now == null || !Objects.equals(now.getMetadata().getUid(), pod.getMetadata().getUid())) {
        return waited;
      }
      if (waited.compareTo(limit) >= 0) {
        throw new HybridCniException(action.id() + ": pod " + namespace + "/" + name + " on cloud node "
            + pod.getSpec().getNodeName() + " was deleted but is still there after " + limit.toSeconds()
            + " s (a finalizer, or a kubelet that does not answer?). The exclusion is written. " + consequence());
      }
      context.listener().waitingForRollout(action, "waiting for pod " + name + " on cloud node "
          + pod.getSpec().getNodeName() + " to be gone", waited);
      wait.pause(wait.pollInterval());
      waited = waited.plus(wait.pollInterval());
    }
  }

  // ------------------------------------------------------------------------------------------------ reads

  /** The DaemonSet's pods on nodes that carry the cloud label and that {@code planned} names, by node. */
  private List<Pod> podsOnCloudNodes(DaemonSet ds, NodeLabel label, List<String> planned) {
    if (planned.isEmpty()) {
      return List.of();
    }
    Map<String, Boolean> cloud = cloudNodes(label);
    List<Pod> onCloud = new ArrayList<>();
    for (Pod pod : pods(ds)) {
      String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      if (node != null && planned.contains(node) && Boolean.TRUE.equals(cloud.get(node))) {
        onCloud.add(pod);
      }
    }
    onCloud.sort(Comparator.comparing(p -> p.getSpec().getNodeName()));
    return onCloud;
  }

  /**
   * Every node by name that carries the cloud label now (an equality label selector, so that a large cluster's
   * on-premises nodes are not listed at every poll).
   */
  private Map<String, Boolean> cloudNodes(NodeLabel label) {
    Map<String, Boolean> cloud = new java.util.HashMap<>();
    Pager.forEach(KubeOperation.list("", "nodes", null), pageSize,
        options -> client.nodes().withLabel(label.key(), label.value()).list(options),
        (Node node) -> {
          if (label.value().equals(labels(node).get(label.key()))) {
            cloud.put(node.getMetadata().getName(), true);
          }
        }, cloud::clear);
    return cloud;
  }

  /** The pods the DaemonSet owns (its selector, and its controller reference, since a selector may match more). */
  private List<Pod> pods(DaemonSet ds) {
    String namespace = ds.getMetadata().getNamespace();
    List<Pod> pods = new ArrayList<>();
    if (ds.getSpec().getSelector() == null) {
      return pods;
    }
    Pager.forEach(KubeOperation.list("", "pods", namespace), pageSize,
        options -> client.pods().inNamespace(namespace).withLabelSelector(ds.getSpec().getSelector()).list(options),
        (Pod pod) -> {
          if (ownedBy(pod, ds)) {
            pods.add(pod);
          }
        }, pods::clear);
    return pods;
  }

  private static boolean ownedBy(Pod pod, DaemonSet ds) {
    return pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> "DaemonSet".equals(o.getKind()) && ds.getMetadata().getName().equals(o.getName())
            && (o.getUid() == null || ds.getMetadata().getUid() == null || o.getUid().equals(ds.getMetadata().getUid())));
  }

  private static Map<String, String> labels(Node node) {
    return node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
  }

  private static NodeLabel label(ActionDetail.CniExclusion detail) {
    return new NodeLabel(detail.labelKey(), detail.labelValue());
  }
}
