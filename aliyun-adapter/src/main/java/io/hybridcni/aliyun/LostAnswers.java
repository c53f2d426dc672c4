package io.hybridcni.aliyun;

import io.hybridcni.error.HybridCniException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Crossplane's rule for a write refused after an earlier attempt of it lost its answer: the refusal says only that
 * the retry did nothing, so the resource is read back, and the change found there is the success of the lost attempt.
 * {@link Retrier} records the lost attempt on the refusal (as a suppressed exception); the executors' read-backs
 * for RAM's {@code EntityAlreadyExists} (which is the same situation, answered by the service) serve for both.
 */
final class LostAnswers {

  private LostAnswers() {}

  /** The earlier attempt of this failed write whose outcome was unknown, or {@code null} when there was none. */
  static AliyunCallException earlierLostAttempt(AliyunCallException failure) {
    for (Throwable suppressed : failure.getSuppressed()) {
      if (suppressed instanceof AliyunCallException e && e.outcomeUnknown()) {
        return e;
      }
    }
    return null;
  }

  /**
   * After {@code failure} of a write: if an earlier attempt lost its answer, reads back whether the change is there
   * ({@code applied}), and answers {@code success} when it is; when it is not, throws an error naming both the lost
   * answer and the refusal. Without such an earlier attempt, rethrows {@code failure}.
   */
  static <T> T settle(AliyunCallException failure, BooleanSupplier applied, Supplier<T> success) {
    AliyunCallException lost = earlierLostAttempt(failure);
    if (lost == null) {
      throw failure;
    }
    if (applied.getAsBoolean()) {
      return success.get();
    }
    throw new HybridCniException(failure.operation() + " on " + failure.resource() + " failed: an attempt lost its "
        + "answer (" + describe(lost) + "), its retry was refused (" + describe(failure) + "), and reading it back "
        + "finds the change not made", failure);
  }

  private static String describe(AliyunCallException e) {
    return e.code() == null ? "no answer" : e.code() + (e.statusCode() == null ? "" : " HTTP " + e.statusCode());
  }
}
