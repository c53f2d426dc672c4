package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

  private final List<Duration> slept = new ArrayList<>();
  private final Retrier retrier = new Retrier(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000)),
      slept::add, () -> 1.0 - 1e-9);

  private static AliyunCallException throttled() {
    return new AliyunCallException("GetUser", "ram/user/u", "Throttling.User", 400, "req-1", "slow down", false,
        null);
  }

  @Test
  void throttlingIsRetriedWithCappedExponentialBackoff() {
    AtomicInteger calls = new AtomicInteger();

    String answer = retrier.call("GetUser", () -> {
      if (calls.incrementAndGet() < 5) {
        throw throttled();
      }
      return "ok";
    });

    assertThat(answer).isEqualTo("ok");
    assertThat(calls).hasValue(5);
    assertThat(slept).extracting(Duration::toMillis).containsExactly(99L, 199L, 399L, 799L);
  }

  @Test
  void theCapBoundsEveryDelay() {
    RetryPolicy policy = new RetryPolicy(20, Duration.ofMillis(100), Duration.ofMillis(1000));

    for (int attempt = 1; attempt < 20; attempt++) {
      assertThat(policy.delayAfter(attempt, 0.999)).isLessThanOrEqualTo(Duration.ofMillis(1000));
      assertThat(policy.delayAfter(attempt, 0.0)).isGreaterThanOrEqualTo(
          Duration.ofMillis(Math.min(1000, 100L << (attempt - 1)) / 2));
    }
  }

  @Test
  void aPermanentErrorIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    AliyunCallException denied = new AliyunCallException("CreateUser", "ram/user/u", "NoPermission", 403, "req-2",
        "denied", false, null);

    assertThatThrownBy(() -> retrier.call("CreateUser", () -> {
      calls.incrementAndGet();
      throw denied;
    })).isSameAs(denied).hasMessageContaining("CreateUser").hasMessageContaining("ram/user/u")
        .hasMessageContaining("req-2");
    assertThat(calls).hasValue(1);
    assertThat(slept).isEmpty();
  }

  @Test
  void theLastTransientErrorSurfacesAfterTheLastAttempt() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> retrier.call("GetUser", () -> {
      calls.incrementAndGet();
      throw throttled();
    })).isInstanceOf(AliyunCallException.class).hasMessageContaining("Throttling.User");
    assertThat(calls).hasValue(5);
    assertThat(slept).hasSize(4);
  }

  @Test
  void serviceUnavailableAndServerErrorsAndBrokenConnectionsAreTransient() {
    assertThat(new AliyunCallException("X", "r", "ServiceUnavailable", 503, null, "", false, null).isTransient())
        .isTrue();
    assertThat(new AliyunCallException("X", "r", "InternalError", 500, null, "", false, null).isTransient())
        .isTrue();
    assertThat(new AliyunCallException("X", "r", null, null, null, "", true, null).outcomeUnknown()).isTrue();
    assertThat(new AliyunCallException("X", "r", "Throttling.User", 400, null, "", false, null).outcomeUnknown())
        .isFalse();
    assertThat(new AliyunCallException("X", "r", "EntityNotExist.User", 404, null, "", false, null).isTransient())
        .isFalse();
  }
}
