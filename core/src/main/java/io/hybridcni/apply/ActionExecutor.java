package io.hybridcni.apply;

import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;

/**
 * Runs one kind of action exactly as planned. Adapters implement one small executor per action kind; the
 * reconciler picks the executor whose {@link #handles} answers true.
 */
public interface ActionExecutor {

  boolean handles(ActionKind kind);

  /**
   * Runs the action. Idempotent: a target that already matches answers {@link StepStatus#ALREADY_SATISFIED}.
   *
   * @throws io.hybridcni.error.HybridCniException when the action fails; the message names the operation, the
   *     resource and (for cloud calls) the request id, never a secret
   */
  StepResult execute(Action action, ExecutionContext context);
}
