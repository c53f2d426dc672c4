package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import java.util.function.UnaryOperator;

/**
 * The {@link KubeWriteLoop} of the calico-node exclusion and its removal: the object is calico-node's DaemonSet or
 * the Tigera operator's Installation, read and written as a generic resource ({@link CalicoObjects}). Reads keep
 * fabric8's retries; writes go without them, as the loop needs.
 */
final class CalicoWriteLoop {

  private final CalicoObjects calico;
  private final KubeWriteLoop<GenericKubernetesResource> loop;

  CalicoWriteLoop(KubernetesClient client, int pageSize, KubeEvents events, DryRunResolver dryRun,
      int maxAttempts, Sleeper sleeper, String eventReason) {
    RequestConfig noRetries = new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0).build();
    this.calico = new CalicoObjects(client, client.newClient(noRetries).adapt(KubernetesClient.class), pageSize);
    this.loop = new KubeWriteLoop<>(events, dryRun, maxAttempts, sleeper, eventReason, UnaryOperator.identity());
  }

  /** The objects read and written, for the executor's re-planning (fresh nodes). */
  CalicoObjects calico() {
    return calico;
  }

  StepResult run(Action action, WorkloadRef target, ExecutionContext context,
      KubeWriteLoop.Attempt<GenericKubernetesResource> step) {
    return run(action, target, null, context, step);
  }

  /**
   * As {@link #run(Action, WorkloadRef, ExecutionContext, KubeWriteLoop.Attempt)}; {@code firstRead}, when not
   * {@code null}, is the object as read a moment ago (by the re-check before the action), taken as the first
   * attempt's read instead of a GET. Its {@code resourceVersion} goes with the write, so a change since answers 409
   * and the next attempt reads afresh.
   */
  StepResult run(Action action, WorkloadRef target, GenericKubernetesResource firstRead, ExecutionContext context,
      KubeWriteLoop.Attempt<GenericKubernetesResource> step) {
    GenericKubernetesResource[] given = {firstRead};
    return loop.run(action, new KubeWriteLoop.Target<>() {
      @Override
      public String address() {
        return target.address();
      }

      @Override
      public KubeOperation update() {
        return KubeOperation.update(CalicoObjects.context(target).getGroup(),
            CalicoObjects.context(target).getPlural(), target.namespace(), target.name());
      }

      @Override
      public GenericKubernetesResource read() {
        GenericKubernetesResource read = given[0];
        given[0] = null;
        return read != null ? read : calico.read(target);
      }

      @Override
      public GenericKubernetesResource write(GenericKubernetesResource object, boolean serverDryRun) {
        return calico.write(target, object, serverDryRun);
      }

      @Override
      public ClientRequest request(GenericKubernetesResource object, boolean serverDryRun) {
        return CalicoObjects.request(target, object, serverDryRun);
      }
    }, context, step);
  }
}
