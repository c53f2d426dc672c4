package io.hybridcni.testkit.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.ram20150501.models.CreateUserRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FakeAliyunOptionsTest {

  @Test
  void defaultsAddNoLatencySettleAddonsAfterTwoPollsAndRejectReplays() {
    FakeAliyunOptions defaults = FakeAliyunOptions.defaults();

    assertThat(defaults.latency()).isZero();
    assertThat(defaults.addonPollsBeforeSettled()).isEqualTo(2);
    assertThat(defaults.rejectReplayedNonces()).isTrue();
  }

  @Test
  void outOfRangeValuesAreRefusedWithTheAllowedRange() {
    assertThatThrownBy(() -> FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1000]");
    assertThatThrownBy(() -> FakeAliyunOptions.defaults().withLatency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero or positive");
    assertThatThrownBy(() -> FakeAliyun.start().faults().on("GetUser").throttleTimes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
  }

  @Test
  void reportedDatesComeFromTheGivenClock() throws Exception {
    Clock fixed = Clock.fixed(Instant.parse("2024-05-01T08:00:00.750Z"), ZoneOffset.UTC);
    try (FakeAliyun fake = FakeAliyun.start(FakeAliyunOptions.defaults().withClock(fixed))) {
      fake.addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET);

      var user = Sdk.ram(fake).createUser(new CreateUserRequest().setUserName("u1")).getBody().getUser();

      assertThat(user.getCreateDate()).isEqualTo("2024-05-01T08:00:00Z");
    }
  }

  @Test
  void everyRequestWaitsForTheConfiguredLatency() throws Exception {
    try (FakeAliyun fake = FakeAliyun.start(FakeAliyunOptions.defaults().withLatency(Duration.ofMillis(60)))) {
      fake.addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET);
      var ram = Sdk.ram(fake);

      long started = System.nanoTime();
      ram.createUser(new CreateUserRequest().setUserName("u1"));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(60));
    }
  }

  @Test
  void theEndpointIsALoopbackHostAndPort() {
    try (FakeAliyun fake = FakeAliyun.start()) {
      assertThat(fake.endpoint()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(fake.toString()).contains(fake.endpoint());
    }
  }
}
