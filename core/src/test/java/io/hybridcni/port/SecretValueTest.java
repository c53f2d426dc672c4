package io.hybridcni.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SecretValueTest {

  private final AccessKeyCredential credential = new AccessKeyCredential(SampleClusters.FIXTURE_ACCESS_KEY_ID,
      SecretValue.of(SampleClusters.FIXTURE_ACCESS_KEY_SECRET));

  @Test
  void toStringOfTheCredentialShowsTheIdButMasksTheSecret() {
    assertThat(credential.toString()).contains(SampleClusters.FIXTURE_ACCESS_KEY_ID)
        .contains(SecretValue.MASK).doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
  }

  @Test
  void jacksonWritesTheMaskInsteadOfTheSecret() {
    String json = JsonMapper.builder().build().writeValueAsString(credential);

    assertThat(json).contains(SecretValue.MASK).doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
  }

  @Test
  void revealGivesTheValueForTheOneWriteThatNeedsIt() {
    assertThat(credential.accessKeySecret().reveal()).isEqualTo(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
    assertThat(SecretValue.of("a")).isEqualTo(SecretValue.of("a")).isNotEqualTo(SecretValue.of("b"));
  }
}
