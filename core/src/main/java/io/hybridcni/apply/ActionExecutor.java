package io.hybridcni.apply;

import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs the actions of some kinds exactly as planned. Adapters implement one small executor per action kind (or per
 * few kinds that share a detail type, as install and upgrade do). An executor is bound to the detail type its kinds
 * carry ({@link ActionKind#detailType()}), so it reads its detail typed and never casts; the {@link Reconciler}'s
 * builder checks at {@code build()} that every kind it runs has exactly one executor and that the executor's detail
 * type is the kind's.
 *
 * @param <D> the detail type of every kind in {@link #kinds()}
 */
public interface ActionExecutor<D extends ActionDetail> {

  /** The detail type this executor reads; every kind of {@link #kinds()} carries it (or a subtype). */
  Class<D> detailType();

  /** The action kinds this executor runs. Not empty. */
  Set<ActionKind> kinds();

  /**
   * Runs the action. Idempotent: a target that already matches answers {@link StepStatus#ALREADY_SATISFIED}.
   *
   * @param detail the action's detail, already of this executor's type
   * @throws io.hybridcni.error.HybridCniException when the action fails; the message names the operation, the
   *     resource and (for cloud calls) the request id, never a secret
   */
  StepResult execute(Action action, D detail, ExecutionContext context);

  /** Whether this executor runs actions of {@code kind}. */
  default boolean handles(ActionKind kind) {
    return kinds().contains(kind);
  }

  /**
   * Runs an action known only by its kind: the one place where a detail meets its type. Refuses, without running
   * anything, an action of a kind this executor does not run or whose detail is not of {@link #detailType()} (only a
   * hand-made plan can carry one; {@code PlanCheck} refuses such plans before apply).
   *
   * @throws IllegalArgumentException naming the action, its kind, its detail type and what this executor runs
   */
  default StepResult run(Action action, ExecutionContext context) {
    Objects.requireNonNull(action, "action");
    if (!handles(action.kind()) || !detailType().isInstance(action.detail())) {
      throw new IllegalArgumentException("action " + action.id() + " is " + action.kind() + " with detail "
          + (action.detail() == null ? "null" : action.detail().getClass().getSimpleName())
          + "; this executor runs " + kinds() + " with detail " + detailType().getSimpleName());
    }
    return execute(action, detailType().cast(action.detail()), context);
  }

  /**
   * This executor with {@code around} wrapped about each of its steps: same kinds, same detail type. Tests use it
   * to inject a fault or play a controller after a real executor's step, instead of re-implementing the interface.
   */
  default ActionExecutor<D> around(Around around) {
    Objects.requireNonNull(around, "around");
    ActionExecutor<D> inner = this;
    return new ActionExecutor<>() {
      @Override
      public Class<D> detailType() {
        return inner.detailType();
      }

      @Override
      public Set<ActionKind> kinds() {
        return inner.kinds();
      }

      @Override
      public StepResult execute(Action action, D detail, ExecutionContext context) {
        return around.around(action, context, () -> inner.execute(action, detail, context));
      }

      @Override
      public String toString() {
        return inner + " (wrapped)";
      }
    };
  }

  /** An executor of {@code kinds} made of one function, for small test beds and examples. */
  static <D extends ActionDetail> ActionExecutor<D> of(Class<D> detailType, Set<ActionKind> kinds, Body<D> body) {
    Objects.requireNonNull(detailType, "detailType");
    Objects.requireNonNull(body, "body");
    Set<ActionKind> copy = Set.copyOf(EnumSet.copyOf(kinds));
    return new ActionExecutor<>() {
      @Override
      public Class<D> detailType() {
        return detailType;
      }

      @Override
      public Set<ActionKind> kinds() {
        return copy;
      }

      @Override
      public StepResult execute(Action action, D detail, ExecutionContext context) {
        return body.execute(action, detail, context);
      }

      @Override
      public String toString() {
        return "executor of " + copy;
      }
    };
  }

  /** What an executor made by {@link #of} does. */
  @FunctionalInterface
  interface Body<D extends ActionDetail> {
    StepResult execute(Action action, D detail, ExecutionContext context);
  }

  /**
   * Code run about one step of a wrapped executor ({@link #around}); {@code step} runs the real one and may be called
   * once, or not at all to replace the step.
   */
  @FunctionalInterface
  interface Around {
    StepResult around(Action action, ExecutionContext context, Supplier<StepResult> step);
  }
}
