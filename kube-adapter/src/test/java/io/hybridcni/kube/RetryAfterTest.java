package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The API server's throttling hints as the write loops take them: header, Status, bounds. */
class RetryAfterTest {

  private static final KubernetesClientException PLAIN_429 =
      new KubernetesClientException(new StatusBuilder().withCode(429).build());

  @Test
  void aRecordedHeaderIsTakenOnceForItsMethodAndPathWhateverTheQuery() {
    RetryAfter.record("PUT", "/api/v1/namespaces/a/secrets/once", "2");

    assertThat(RetryAfter.take("GET", "/api/v1/namespaces/a/secrets/once", PLAIN_429)).isEmpty();
    assertThat(RetryAfter.take("PUT", "/api/v1/namespaces/a/secrets/once?dryRun=All", PLAIN_429))
        .contains(Duration.ofSeconds(2));
    assertThat(RetryAfter.take("PUT", "/api/v1/namespaces/a/secrets/once", PLAIN_429)).isEmpty();
  }

  @Test
  void aStatusRetryAfterSecondsCountsAndTheLongerOfItAndTheHeaderIsTaken() {
    KubernetesClientException withDetails = new KubernetesClientException(new StatusBuilder().withCode(429)
        .withNewDetails().withRetryAfterSeconds(5).endDetails().build());
    RetryAfter.record("POST", "/api/v1/namespaces/b/pods", "1");

    assertThat(RetryAfter.take("POST", "/api/v1/namespaces/b/pods", withDetails)).contains(Duration.ofSeconds(5));
    assertThat(RetryAfter.take("POST", "/api/v1/namespaces/b/pods", withDetails)).contains(Duration.ofSeconds(5));
  }

  @Test
  void aWaitIsNeverLongerThanAMinuteAndAHeaderThatIsNoWholeSecondsIsIgnored() {
    RetryAfter.record("PUT", "/apis/apps/v1/namespaces/c/daemonsets/long", "86400");
    RetryAfter.record("PUT", "/apis/apps/v1/namespaces/c/daemonsets/date", "Wed, 21 Oct 2026 07:28:00 GMT");
    RetryAfter.record("PUT", "/apis/apps/v1/namespaces/c/daemonsets/zero", "0");

    assertThat(RetryAfter.take("PUT", "/apis/apps/v1/namespaces/c/daemonsets/long", PLAIN_429))
        .contains(Duration.ofSeconds(RetryAfter.MAX_SECONDS));
    assertThat(RetryAfter.take("PUT", "/apis/apps/v1/namespaces/c/daemonsets/date", PLAIN_429)).isEmpty();
    assertThat(RetryAfter.take("PUT", "/apis/apps/v1/namespaces/c/daemonsets/zero", PLAIN_429)).isEmpty();
  }
}
