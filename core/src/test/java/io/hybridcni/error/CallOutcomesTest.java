package io.hybridcni.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallOutcomesTest {

  @Test
  void noAnswerAndEvery5xxLeaveAWritesOutcomeUnknownAndEvery4xxRefusesIt() {
    List<Integer> unknown = List.of(0, -1, 500, 502, 503, 504);
    List<Integer> refused = List.of(400, 401, 403, 404, 409, 422, 429);

    assertThat(unknown).allSatisfy(status -> assertThat(CallOutcomes.outcomeUnknown(status)).isTrue());
    assertThat(CallOutcomes.outcomeUnknown(null)).isTrue();
    assertThat(refused).allSatisfy(status -> assertThat(CallOutcomes.outcomeUnknown(status)).isFalse());
  }

  @Test
  void aRemoteCallFailureSaysWhetherItsOutcomeIsUnknown() {
    assertThat(RemoteCallException.of("update", "secrets a/b", "504 Timeout", null, "lost", null, true)
        .outcomeUnknown()).isTrue();
    assertThat(RemoteCallException.of("update", "secrets a/b", "403 Forbidden", null, "no", null).outcomeUnknown())
        .isFalse();
  }
}
