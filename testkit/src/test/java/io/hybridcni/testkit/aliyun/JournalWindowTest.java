package io.hybridcni.testkit.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ram20150501.models.GetUserRequest;
import com.aliyun.tea.TeaException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalWindowTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void theWindowCountIsHalfOpenSoACallExactlyOneWindowLaterFallsInTheNext() {
    assertThat(Journal.mostWithin(List.of(0L, 1L, SECOND - 1, SECOND, 2 * SECOND), SECOND)).isEqualTo(3);
    assertThat(Journal.mostWithin(List.of(2 * SECOND, 0L, SECOND - 1, 1L), SECOND)).isEqualTo(3);
    assertThat(Journal.mostWithin(List.of(), SECOND)).isZero();
  }

  @Test
  void eachEntryCarriesWhenTheFakeReceivedItInTheOrderItArrived() throws Exception {
    try (FakeAliyun fake = FakeAliyun.start(FakeAliyunOptions.defaults().withLatency(Duration.ofMillis(5)))) {
      fake.addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET).seedUser("u");
      var ram = Sdk.ram(fake);
      long before = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        ram.getUser(new GetUserRequest().setUserName("u"));
      }
      try {
        ram.getUser(new GetUserRequest().setUserName("absent"));
      } catch (TeaException expected) {
        // EntityNotExist.User: journaled with its arrival time like any answer.
      }
      long after = System.nanoTime();

      Journal journal = fake.journal();
      assertThat(journal).hasSize(4);
      assertThat(journal).extracting(JournalEntry::receivedNanos).isSorted()
          .allSatisfy(t -> assertThat(t).isBetween(before, after));
      // Sequential calls, each answered at least 5 ms after it arrived: no two within 5 ms of each other.
      assertThat(journal.mostReceivedWithin(Duration.ofMillis(5))).isEqualTo(1);
      assertThat(journal.mostReceivedWithin(Duration.ofNanos(after - before + 1))).isEqualTo(4);
    }
  }
}
