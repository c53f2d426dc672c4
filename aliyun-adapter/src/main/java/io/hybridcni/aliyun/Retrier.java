package io.hybridcni.aliyun;

import io.hybridcni.apply.Sleeper;
import io.hybridcni.error.HybridCniException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a call, retrying transient failures by a {@link RetryPolicy}, with injected sleep and jitter. */
public final class Retrier {

  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** Hears about each retry, e.g. to report it as progress. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (operation, attempt, delay, reason) -> { };

    void retrying(String operation, int attempt, Duration delay, String reason);
  }

  /** A call to the cloud. */
  @FunctionalInterface
  public interface Call<T> {
    T run() throws AliyunCallException;
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final DoubleSupplier jitter;
  private volatile Listener listener = Listener.NONE;

  public Retrier(RetryPolicy policy, Sleeper sleeper, DoubleSupplier jitter) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
  }

  public static Retrier defaults() {
    return new Retrier(RetryPolicy.defaults(), Sleeper.REAL, Math::random);
  }

  public Retrier withListener(Listener value) {
    Retrier copy = new Retrier(policy, sleeper, jitter);
    copy.listener = Objects.requireNonNull(value, "listener");
    return copy;
  }

  public RetryPolicy policy() {
    return policy;
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  /**
   * Runs the call, retrying while it fails transiently and attempts remain. When it fails for good after an earlier
   * attempt whose outcome was unknown (its answer lost or a 5xx), that earlier failure is attached to the thrown one
   * as suppressed: a definite refusal of the retry does not prove the first attempt did nothing (see {@link
   * LostAnswers}).
   */
  public <T> T call(String operation, Call<T> call) {
    AliyunCallException lost = null;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (AliyunCallException e) {
        if (!e.isTransient() || attempt >= policy.maxAttempts()) {
          if (lost != null && lost != e && !e.outcomeUnknown()) {
            e.addSuppressed(lost);
          }
          throw e;
        }
        if (lost == null && e.outcomeUnknown()) {
          lost = e;
        }
        Duration delay = policy.delayAfter(attempt, jitter.getAsDouble());
        String reason = e.code() != null ? e.code() : "connection failure";
        LOG.debug("{} failed transiently ({}), attempt {} of {}; retrying in {} ms", operation, reason, attempt,
            policy.maxAttempts(), delay.toMillis());
        listener.retrying(operation, attempt, delay, reason);
        sleep(delay);
      }
    }
  }

  void sleep(Duration delay) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HybridCniException("interrupted while waiting to retry", e);
    }
  }
}
