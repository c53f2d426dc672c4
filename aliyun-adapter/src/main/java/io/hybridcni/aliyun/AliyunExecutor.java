package io.hybridcni.aliyun;

import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The typed base of the cloud side's executors: it holds the detail type and kinds, and answers a dry run with the
 * calls the executor would make, touching nothing, so that no executor can reach the cloud in a dry run by
 * forgetting the check. Each executor says what it would do, which calls it would make, and how it writes.
 *
 * @param <D> the detail type of every kind this executor runs
 */
abstract class AliyunExecutor<D extends ActionDetail> implements ActionExecutor<D> {

  private final Class<D> detailType;
  private final Set<ActionKind> kinds;

  AliyunExecutor(Class<D> detailType, ActionKind kind, ActionKind... more) {
    this.detailType = Objects.requireNonNull(detailType, "detailType");
    this.kinds = Set.copyOf(EnumSet.of(kind, more));
  }

  @Override
  public final Class<D> detailType() {
    return detailType;
  }

  @Override
  public final Set<ActionKind> kinds() {
    return kinds;
  }

  @Override
  public final StepResult execute(Action action, D detail, ExecutionContext context) {
    if (context.dryRun()) {
      return StepResult.dryRun("client", wouldDo(action, detail), wouldCall(action, detail));
    }
    return apply(action, detail, context);
  }

  /** The dry run's summary: what the write would do, e.g. {@code would create RAM user u}. */
  abstract String wouldDo(Action action, D detail);

  /** The dry run's cloud calls, in the order the write makes them. */
  abstract List<String> wouldCall(Action action, D detail);

  /** The real run (the write, or the wait), after the dry run was ruled out. */
  abstract StepResult apply(Action action, D detail, ExecutionContext context);
}
