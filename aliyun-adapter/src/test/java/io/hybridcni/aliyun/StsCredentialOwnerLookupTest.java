package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.RamFacts.SecretKeyOwner;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretStore;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.SecretForms;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** STS GetCallerIdentity through the generic OpenAPI client of the real SDK, against the fake Aliyun. */
class StsCredentialOwnerLookupTest {

  private static final String CALLER_ID = "LTAI5tCallerKey000001";
  private static final String CALLER_SECRET = "CallerSecretQx8Wv2Lm6Np4Rt0Yz";

  private final FakeAliyun fake = FakeAliyun.start().addAccessKey(CALLER_ID, CALLER_SECRET)
      .addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", Specs.REGION);
  private final Retrier retrier = new Retrier(RetryPolicy.defaults(), d -> { }, () -> 0.5);
  private final AliyunConnection connection = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint())
      .protocol("HTTP").accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).build();
  private final StsCredentialOwnerLookup lookup = connection.credentialOwners(retrier);

  @AfterEach
  void stop() {
    fake.close();
  }

  private static AccessKeyCredential credential(String id, String secret) {
    return new AccessKeyCredential(id, SecretValue.of(secret));
  }

  @Test
  void aRamUsersKeyIsAnsweredWithTheUsersNameFromItsArn() {
    FakeAliyun.IssuedAccessKey key = fake.seedUserWithKey("ack-one-user-ce313528c3", "Active");

    SecretKeyOwner owner = lookup.ownerOf(credential(key.id(), key.secret()));

    assertThat(owner).isEqualTo(SecretKeyOwner.ramUser(key.id(), "ack-one-user-ce313528c3", FakeAliyun.ACCOUNT_ID));
    assertThat(fake.journal().of("GetCallerIdentity")).singleElement()
        .satisfies(e -> assertThat(e.accessKeyId()).isEqualTo(key.id()));
  }

  @Test
  void theAccountsOwnKeyIsAnsweredAsAccount() {
    SecretKeyOwner owner = lookup.ownerOf(credential(CALLER_ID, CALLER_SECRET));

    assertThat(owner.isAccount()).isTrue();
    assertThat(owner.userName()).isNull();
    assertThat(owner.accountId()).isEqualTo(FakeAliyun.ACCOUNT_ID);
  }

  @Test
  void aDisabledKeyIsARefusalNamingItsCode() {
    FakeAliyun.IssuedAccessKey key = fake.seedUserWithKey("ack-one-user-disabled01", "Inactive");

    assertThat(lookup.ownerOf(credential(key.id(), key.secret())))
        .isEqualTo(SecretKeyOwner.refused(key.id(), "InvalidAccessKeyId.Inactive"));
  }

  @Test
  void anUnknownKeyIsARefusal() {
    assertThat(lookup.ownerOf(credential("LTAI5tNoSuchKey0000001", "whatever-secret-000000000000")).refusal())
        .isEqualTo("InvalidAccessKeyId.NotFound");
  }

  @Test
  void aSecretThatIsNotTheKeysIsARefusalAndItsValueAppearsNowhere() {
    FakeAliyun.IssuedAccessKey key = fake.seedUserWithKey("ack-one-user-wrongsecret", "Active");
    String wrong = "WrongSecretWq9Er7Ty5Ui3Op1As2D";

    assertThat(lookup.ownerOf(credential(key.id(), wrong)).refusal()).isEqualTo("SignatureDoesNotMatch");
    assertThat(SecretForms.hits(fake.journal().toString(), wrong)).isEmpty();
    assertThat(SecretForms.hits(fake.journal().toString(), key.secret())).isEmpty();
  }

  @Test
  void aServerErrorIsRetriedAndThenAnswered() {
    FakeAliyun.IssuedAccessKey key = fake.seedUserWithKey("ack-one-user-unlucky01", "Active");
    fake.faults().on("GetCallerIdentity").serviceUnavailable(2);

    assertThat(lookup.ownerOf(credential(key.id(), key.secret())).userName()).isEqualTo("ack-one-user-unlucky01");
    assertThat(fake.journal().count("GetCallerIdentity")).isEqualTo(3);
  }

  @Test
  void anyOtherErrorIsThrownWithTheKeyIdAndNeverTheSecret() {
    FakeAliyun.IssuedAccessKey key = fake.seedUserWithKey("ack-one-user-denied01", "Active");
    fake.faults().on("GetCallerIdentity").failWith("NoPermission", 403, "denied for " + key.secret());

    assertThatThrownBy(() -> lookup.ownerOf(credential(key.id(), key.secret())))
        .isInstanceOf(AliyunCallException.class)
        .satisfies(e -> {
          assertThat(e.getMessage()).contains(key.id()).contains("NoPermission");
          java.io.StringWriter trace = new java.io.StringWriter();
          e.printStackTrace(new java.io.PrintWriter(trace));
          assertThat(SecretForms.hits(e.getMessage() + trace, key.secret())).isEmpty();
        });
    assertThat(fake.faults().taken("GetCallerIdentity")).isEqualTo(1);
  }

  @Test
  void theObserverAdoptsAnotherUsersKeyAndObservesThatUser() {
    FakeAliyun.IssuedAccessKey key = fake.seedUserWithKey("ack-one-user-ce313528c3", "Active");
    SecretStore secrets = new SecretStore() {
      @Override
      public void writeAccessKey(String namespace, String name, AccessKeyCredential credential) {
        throw new AssertionError("adoption never writes the Secret");
      }

      @Override
      public Optional<AccessKeyCredential> readAccessKey(String namespace, String name) {
        return Optional.of(credential(key.id(), key.secret()));
      }
    };
    AliyunObserver observer = new AliyunObserver(connection.ram(retrier), connection.ack(retrier))
        .withSecretKeyOwners(secrets, lookup);

    RamFacts ram = observer.observe(Specs.auto()).ram();

    assertThat(ram.secretKeyOwner().userName()).isEqualTo("ack-one-user-ce313528c3");
    assertThat(ram.user().name()).isEqualTo("ack-one-user-ce313528c3");
    assertThat(ram.accessKeys()).extracting(RamFacts.AccessKey::id).containsExactly(key.id());
    assertThat(String.valueOf(ram)).doesNotContain(key.secret());
  }
}
