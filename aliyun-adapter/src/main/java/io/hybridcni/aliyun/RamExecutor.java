package io.hybridcni.aliyun;

import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The writes every RAM executor shares, so that each of them says only what is its own (the dry run is {@link
 * AliyunExecutor}'s): a create-style write whose "already exists" code, or whose refused
 * retry after a lost answer ({@link LostAnswers#settle}), is settled by reading back; a delete-style write for which
 * RAM's {@code EntityNotExist*} (already gone) is the success of the deletion. The two write shapes differ on
 * purpose: a lost create may have made the resource, so only a read-back can tell; a lost delete that is refused
 * as "not there" has done what was asked.
 *
 * @param <D> the detail type of the one kind this executor runs
 */
abstract class RamExecutor<D extends ActionDetail> extends AliyunExecutor<D> {

  RamExecutor(Class<D> detailType, ActionKind kind) {
    super(detailType, kind);
  }

  /** Whether RAM answered that the resource of the call does not exist (any {@code EntityNotExist*} code). */
  static boolean gone(AliyunCallException e) {
    return e.code() != null && e.code().startsWith("EntityNotExist");
  }

  /** A RAM write that throws only {@link AliyunCallException} for RAM's refusals. */
  @FunctionalInterface
  interface Write {
    void run();
  }

  /** What a create-style write does when RAM answers that the resource already exists. */
  @FunctionalInterface
  interface Existing {
    StepResult settle(AliyunCallException exists);
  }

  /** What a delete-style write does with a refusal that is not "already gone": throw, or recover and return. */
  @FunctionalInterface
  interface Refusal {
    void handle(AliyunCallException refusal);
  }

  /** Rethrows the refusal: the default for a delete that knows no conflict of its own. */
  static final Refusal RETHROW = e -> {
    throw e;
  };

  /**
   * A create-style write: runs {@code write} and answers {@code applied}; RAM's {@code existsCode} is settled by
   * {@code existing}; any other refusal goes to {@link LostAnswers#settle} with {@code readBack}, whose success is
   * {@code applied} marked as read back.
   */
  static StepResult create(Write write, String applied, String existsCode, Existing existing,
      BooleanSupplier readBack) {
    try {
      write.run();
      return StepResult.applied(applied);
    } catch (AliyunCallException e) {
      if (e.hasCode(existsCode)) {
        return existing.settle(e);
      }
      return LostAnswers.settle(e, readBack, () -> StepResult.applied(applied + " (its answer was lost; read back)"));
    }
  }

  /** A create-style write for which "already exists" is success: answers {@code alreadySatisfied(exists)}. */
  static StepResult create(Write write, String applied, String existsCode, String exists, BooleanSupplier readBack) {
    return create(write, applied, existsCode, e -> StepResult.alreadySatisfied(exists), readBack);
  }

  /**
   * A delete-style write: runs {@code write} and answers {@code done}; "already gone" answers {@code
   * alreadySatisfied(goneMessage)}; any other refusal goes to {@code refusal}, which throws or, having recovered,
   * returns, and then {@code done} answers.
   */
  static StepResult delete(Write write, String goneMessage, Refusal refusal, Supplier<StepResult> done) {
    try {
      write.run();
    } catch (AliyunCallException e) {
      if (gone(e)) {
        return StepResult.alreadySatisfied(goneMessage);
      }
      refusal.handle(e);
    }
    return done.get();
  }

  /** A delete-style write with no conflict of its own: answers {@code applied(applied)}. */
  static StepResult delete(Write write, String goneMessage, String applied) {
    return delete(write, goneMessage, RETHROW, () -> StepResult.applied(applied));
  }
}
