package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.fixtures.Specs;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import org.junit.jupiter.api.Test;

/**
 * Without explicit credentials the connection uses the standard chain (credentials-java): here its
 * system-property source, which the fake's signature check proves was used to sign.
 */
class CredentialChainTest {

  @Test
  void theStandardCredentialChainSignsRequestsWithTheKeyItFinds() {
    String id = "LTAI5tChainKey0000001";
    String secret = "ChainSecretH7Jk2Lp9Qr4St6Uv8Wx";
    try (FakeAliyun fake = FakeAliyun.start().addAccessKey(id, secret)) {
      fake.seedUser(Specs.RAM_USER);
      System.setProperty("alibabacloud.accessKeyId", id);
      System.setProperty("alibabacloud.accessKeySecret", secret);
      try {
        RamApi ram = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint()).protocol("HTTP").build()
            .ram(Retrier.defaults());

        assertThat(ram.getUser(Specs.RAM_USER)).isPresent();
        assertThat(fake.journal().of("GetUser")).singleElement()
            .satisfies(e -> assertThat(e.accessKeyId()).isEqualTo(id));
      } finally {
        System.clearProperty("alibabacloud.accessKeyId");
        System.clearProperty("alibabacloud.accessKeySecret");
      }
    }
  }

  @Test
  void withoutAnyCredentialsTheCheckNamesEveryLinkOfTheChainAndNothingIsSent() {
    org.assertj.core.api.Assumptions.assumeThat(System.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID")).isNull();
    org.assertj.core.api.Assumptions.assumeThat(java.nio.file.Files.exists(java.nio.file.Path.of(
        System.getProperty("user.home"), ".aliyun", "config.json"))).isFalse();
    // Off ECS the metadata link only times out; turned off here (the library's own switch) to keep the test fast.
    com.aliyun.credentials.utils.AuthUtils.disableECSMetaData(true);
    try (FakeAliyun fake = FakeAliyun.start()) {
      AliyunConnection connection = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint())
          .protocol("HTTP").build();

      assertThatThrownBy(connection::requireCredentials)
          .isInstanceOf(io.hybridcni.error.HybridCniException.class)
          .hasMessageStartingWith("No Alibaba Cloud credentials found; the default credential chain tried, in order: "
              + "1) Java system properties alibabacloud.accessKeyId and alibabacloud.accessKeySecret; 2) environment "
              + "variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET; 3) OIDC (RRSA) skipped")
          .hasMessageContaining("4) the Alibaba Cloud CLI profile " + System.getProperty("user.home")
              + "/.aliyun/config.json; 5) the credentials file ")
          .hasMessageContaining("6) the ECS instance RAM role skipped: ALIBABA_CLOUD_ECS_METADATA_DISABLED")
          .hasMessageEndingWith("nothing was observed or changed")
          .hasNoCause()
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      assertThat(fake.journal().operations()).isEmpty();
    } finally {
      com.aliyun.credentials.utils.AuthUtils.disableECSMetaData(false);
    }
  }

  @Test
  void credentialsFromTheChainPassTheCheck() {
    System.setProperty("alibabacloud.accessKeyId", "LTAI5tChainKey0000002");
    System.setProperty("alibabacloud.accessKeySecret", "ChainSecretH7Jk2Lp9Qr4St6Uv8Wy");
    try {
      AliyunConnection.forRegion(Specs.REGION).build().requireCredentials();
    } finally {
      System.clearProperty("alibabacloud.accessKeyId");
      System.clearProperty("alibabacloud.accessKeySecret");
    }
  }
}
