package io.hybridcni.aliyun;

import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.Action;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an addon install, upgrade or uninstall, none of which is idempotent, by the rule of {@link LostAnswers}: a
 * refusal for sure that is transient (throttling) is sent again; after a lost answer (no answer, a 5xx) the addon
 * instance is read back first, and a change found there is the success of the lost call, never sent a second time;
 * only when the read-back finds nothing is the write sent again. A definite refusal is read back too when an earlier
 * attempt lost its answer (the retry of a change that went through is refused).
 */
final class AddonWrites {

  private static final Logger LOG = LoggerFactory.getLogger(AddonWrites.class);

  private AddonWrites() {}

  /**
   * @param send the write; answers the task id (or {@code null})
   * @param readBack whether the change is there now; its answer is the step's result when it is
   * @param applied the step's result from the task id of a write that was answered
   */
  static StepResult send(Retrier retrier, Action action, ExecutionContext context, String operation,
      Supplier<String> send, Supplier<Optional<StepResult>> readBack, Function<String, StepResult> applied) {
    AliyunCallException lost = null;
    for (int attempt = 1; ; attempt++) {
      try {
        return applied.apply(send.get());
      } catch (AliyunCallException e) {
        if (e.outcomeUnknown() || lost != null) {
          Optional<StepResult> there = readBack.get();
          if (there.isPresent()) {
            LOG.warn("{} on {} lost its answer or was refused after a lost answer ({}), yet the change is there",
                operation, e.resource(), e.code() == null ? "no answer" : e.code());
            return there.get();
          }
          if (e.outcomeUnknown() && lost == null) {
            lost = e;
          }
        }
        if (!e.isTransient() || attempt >= retrier.policy().maxAttempts()) {
          if (lost != null && lost != e && !e.outcomeUnknown()) {
            e.addSuppressed(lost);
          }
          throw e;
        }
        java.time.Duration delay = retrier.policy().delayAfter(attempt, 0.5);
        context.listener().retrying(action, operation, attempt, delay,
            e.code() != null ? e.code() : "connection failure");
        retrier.sleep(delay);
      }
    }
  }
}
