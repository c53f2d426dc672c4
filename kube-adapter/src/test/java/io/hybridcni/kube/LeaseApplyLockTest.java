package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.LockUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaseApplyLockTest {

  KubernetesClient client;

  private final MovableClock clock = new MovableClock();
  private final List<Duration> waits = new ArrayList<>();

  private LeaseApplyLock lock() {
    return LeaseApplyLock.builder(client).leaseDuration(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(5))
        .clock(clock).sleeper(d -> {
          waits.add(d);
          clock.now = clock.now.plus(d);
        }).build();
  }

  private Lease lease() {
    return client.leases().inNamespace("kube-system").withName("hybridcni-apply").get();
  }

  @Test
  void theHolderIsWrittenToTheLeaseAndTheLeaseIsDeletedOnRelease() {
    try (ApplyLock.Held held = lock().acquire("alice@laptop", Duration.ZERO)) {
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("alice@laptop");
      assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(30);
    }
    assertThat(lease()).isNull();
  }

  @Test
  void aSecondApplyFailsFastNamingTheHolderAndTheExpiry() {
    try (ApplyLock.Held held = lock().acquire("alice@laptop", Duration.ZERO)) {
      assertThatThrownBy(() -> lock().acquire("ci-runner", Duration.ZERO))
          .isInstanceOf(LockUnavailableException.class)
          .hasMessageContaining("alice@laptop")
          .hasMessageContaining("kube-system/hybridcni-apply")
          .hasMessageContaining("2026-11-28T10:00:30Z");
      assertThat(waits).isEmpty();
    }
  }

  @Test
  void aWaitingApplyTakesOverOnceACrashedHoldersLeaseExpires() {
    lock().acquire("crashed", Duration.ZERO); // never closed: its holder died

    try (ApplyLock.Held held = lock().acquire("patient", Duration.ofMinutes(2))) {
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("patient");
      assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
      assertThat(waits.stream().mapToLong(Duration::toSeconds).sum()).isEqualTo(30);
    }
  }

  @Test
  void waitingLongerThanAskedStillFails() {
    lock().acquire("busy", Duration.ZERO);

    assertThatThrownBy(() -> lock().acquire("impatient", Duration.ofSeconds(10)))
        .isInstanceOf(LockUnavailableException.class).hasMessageContaining("busy");
    assertThat(waits.stream().mapToLong(Duration::toSeconds).sum()).isEqualTo(10);
  }

  @Test
  void renewingMovesTheExpiryForward() {
    LeaseApplyLock lock = lock();
    try (ApplyLock.Held held = lock.acquire("alice", Duration.ZERO)) {
      clock.now = clock.now.plusSeconds(20);
      lock.renew("alice");
      clock.now = clock.now.plusSeconds(20);

      assertThatThrownBy(() -> lock().acquire("bob", Duration.ZERO)).isInstanceOf(LockUnavailableException.class)
          .hasMessageContaining("2026-11-28T10:00:50Z");
    }
  }

  /** A clock the test moves by hand. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-28T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
