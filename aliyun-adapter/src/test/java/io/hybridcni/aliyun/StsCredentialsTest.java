package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.credentials.utils.AuthUtils;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import org.junit.jupiter.api.Test;

/**
 * Temporary STS credentials through the real SDK against a fake that, like the real gateway, refuses an STS key
 * sent without its security token.
 */
class StsCredentialsTest {

  private static final String STS_ID = "STS.NUgYrLnoC37mZZCNnAbez2ZEr";
  private static final String STS_SECRET = "StsSecretE4Rt7Yu1Io3Pa5Sd8Fg";
  private static final String TOKEN = "CAIS8QF1q6Ft5B2yfSjIr5bSEsnmrrpJ0ZSsRlTJo3MQdONvmqTzkTz2IHhMeXBoAeQfsPo1mW9T6Pg";

  @Test
  void aSecurityTokenInTheEnvironmentSignsEveryRequestThroughTheCredentialChain() {
    try (FakeAliyun fake = FakeAliyun.start().addStsAccessKey(STS_ID, STS_SECRET, TOKEN)) {
      fake.seedUser(Specs.RAM_USER).addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running",
          Specs.REGION);
      // What the chain's environment link reads from ALIBABA_CLOUD_ACCESS_KEY_ID, ..._SECRET and
      // ALIBABA_CLOUD_SECURITY_TOKEN, set through the library's own switches (a test cannot set the environment).
      AuthUtils.setEnvironmentAccessKeyId(STS_ID);
      AuthUtils.setEnvironmentAccessKeySecret(STS_SECRET);
      AuthUtils.setEnvironmentSecurityToken(TOKEN);
      try {
        AliyunConnection connection = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint())
            .protocol("HTTP").build();
        connection.requireCredentials();

        assertThat(connection.ram(Retrier.defaults()).getUser(Specs.RAM_USER)).isPresent();
        assertThat(connection.ack(Retrier.defaults()).describeCluster(Specs.CLUSTER_ID)).isPresent();
        assertThat(fake.journal()).hasSize(2).allSatisfy(e -> {
          assertThat(e.accessKeyId()).isEqualTo(STS_ID);
          assertThat(e.succeeded()).isTrue();
          assertThat(e.rendering()).doesNotContain(TOKEN, STS_SECRET);
        });
      } finally {
        AuthUtils.setEnvironmentAccessKeyId(null);
        AuthUtils.setEnvironmentAccessKeySecret(null);
        AuthUtils.setEnvironmentSecurityToken(null);
      }
    }
  }

  @Test
  void explicitStsCredentialsSignWithTheirToken() {
    try (FakeAliyun fake = FakeAliyun.start().addStsAccessKey(STS_ID, STS_SECRET, TOKEN)) {
      fake.seedUser(Specs.RAM_USER);
      RamApi ram = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint()).protocol("HTTP")
          .stsAccessKey(STS_ID, SecretValue.of(STS_SECRET), SecretValue.of(TOKEN)).build().ram(Retrier.defaults());

      assertThat(ram.getUser(Specs.RAM_USER)).isPresent();
    }
  }

  @Test
  void anStsKeySentWithoutItsTokenIsRefusedAsTheRealGatewayRefusesIt() {
    try (FakeAliyun fake = FakeAliyun.start().addStsAccessKey(STS_ID, STS_SECRET, TOKEN)) {
      RamApi ram = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint()).protocol("HTTP")
          .accessKey(STS_ID, SecretValue.of(STS_SECRET)).build().ram(Retrier.defaults());

      assertThatThrownBy(() -> ram.getUser(Specs.RAM_USER)).isInstanceOf(AliyunCallException.class)
          .hasMessageContaining("MissingSecurityToken");
    }
  }

  @Test
  void aWrongTokenIsRefusedAndNeitherTokenAppearsInTheError() {
    String wrong = "CAISwrongTokenQ1w2E3r4T5y6U7i8O9p0AaSsDdFfGgHhJjKkLl";
    try (FakeAliyun fake = FakeAliyun.start().addStsAccessKey(STS_ID, STS_SECRET, TOKEN)) {
      RamApi ram = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint()).protocol("HTTP")
          .stsAccessKey(STS_ID, SecretValue.of(STS_SECRET), SecretValue.of(wrong)).build().ram(Retrier.defaults());

      assertThatThrownBy(() -> ram.getUser(Specs.RAM_USER)).isInstanceOf(AliyunCallException.class)
          .hasMessageContaining("InvalidSecurityToken.MismatchWithAccessKey")
          .satisfies(e -> assertThat(e.toString() + e.getCause()).doesNotContain(wrong, TOKEN, STS_SECRET));
    }
  }
}
