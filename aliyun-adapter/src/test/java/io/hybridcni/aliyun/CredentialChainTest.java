package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

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
}
