package io.hybridcni.testkit.aliyun;

import static io.hybridcni.testkit.aliyun.Sdk.teaError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.ram20150501.Client;
import com.aliyun.ram20150501.models.CreateAccessKeyRequest;
import com.aliyun.ram20150501.models.CreateUserRequest;
import com.aliyun.ram20150501.models.GetUserRequest;
import com.aliyun.tea.TeaException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeAliyunJournalTest {

  FakeAliyun fake;
  Client ram;

  @BeforeEach
  void start() throws Exception {
    fake = FakeAliyun.start().addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET);
    ram = Sdk.ram(fake);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void eachCallIsJournaledWithItsOperationKeyStatusAndTheRequestIdTheClientSaw() throws Exception {
    String created = ram.createUser(new CreateUserRequest().setUserName("u1")).getBody().getRequestId();
    TeaException error = teaError(() -> ram.getUser(new GetUserRequest().setUserName("u9")));

    Journal journal = fake.journal();

    assertThat(journal.operations()).containsExactly("CreateUser", "GetUser");
    assertThat(journal.get(0)).satisfies(entry -> {
      assertThat(entry.sequence()).isEqualTo(1);
      assertThat(entry.method()).isEqualTo("POST");
      assertThat(entry.path()).isEqualTo("/");
      assertThat(entry.accessKeyId()).isEqualTo(Sdk.CALLER_ID);
      assertThat(entry.succeeded()).isTrue();
      assertThat(entry.requestId()).isEqualTo(created);
      assertThat(entry.error()).isEmpty();
    });
    assertThat(journal.get(1)).satisfies(entry -> {
      assertThat(entry.status()).isEqualTo(404);
      assertThat(entry.error()).contains("EntityNotExist.User");
      assertThat(entry.requestId()).isEqualTo(error.getData().get("RequestId"));
      assertThat(entry.rendering()).contains("UserName=u9");
    });
  }

  @Test
  void theJournalIsAnImmutableSnapshot() throws Exception {
    Journal before = fake.journal();
    ram.createUser(new CreateUserRequest().setUserName("u1"));

    assertThat(before).isEmpty();
    assertThat(fake.journal()).hasSize(1);
    assertThatThrownBy(() -> fake.journal().clear()).isInstanceOf(UnsupportedOperationException.class);
    fake.clearJournal();
    assertThat(fake.journal()).isEmpty();
    assertThat(fake.user("u1")).isPresent();
  }

  @Test
  void noRenderingEverHoldsAnIssuedSecret() throws Exception {
    fake.seedUser("u1").seedUser("u2");
    List<String> secrets = new ArrayList<>();
    secrets.add(ram.createAccessKey(new CreateAccessKeyRequest().setUserName("u1")).getBody().getAccessKey()
        .getAccessKeySecret());
    fake.faults().on("CreateAccessKey").dropAfterCommit();
    assertThatThrownBy(() -> ram.createAccessKey(new CreateAccessKeyRequest().setUserName("u2")));

    String everything = fake.journal().toString() + fake.journal().stream().map(JournalEntry::toString).toList()
        + fake.accessKeys("u1") + fake.accessKeys("u2") + fake;

    assertThat(secrets).singleElement().satisfies(secret -> assertThat(everything).doesNotContain(secret));
    assertThat(fake.accessKeys("u2")).hasSize(1);
    assertThat(everything).doesNotContain(Sdk.CALLER_SECRET);
  }

  @Test
  void secretsNestedInAnAddonConfigStringAreMaskedToo() throws Exception {
    fake.addCluster("c1", FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", "cn-hangzhou");
    String config = "{\"access_key\":\"LTAI5tNested\",\"access_secret\":\"nested-secret-value\"}";

    Sdk.roa(Sdk.openApi(fake), "InstallClusterAddons", "POST", "/clusters/c1/components/install",
        List.of(java.util.Map.of("name", "terway-eniip", "version", "v1.9.0", "config", config)));

    assertThat(fake.journal().toString()).doesNotContain("nested-secret-value")
        .contains("access_secret").contains("LTAI5tNested");
  }

  @Test
  void concurrentCallsFromManyThreadsAreEachAppliedOnce() throws Exception {
    int threads = 8;
    int usersPerThread = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Void>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        work.add(() -> {
          Client client = Sdk.ram(fake);
          for (int u = 0; u < usersPerThread; u++) {
            client.createUser(new CreateUserRequest().setUserName("user-" + thread + "-" + u));
          }
          return null;
        });
      }
      for (Future<Void> done : pool.invokeAll(work)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(fake.users()).hasSize(threads * usersPerThread);
    Journal journal = fake.journal();
    assertThat(journal).hasSize(threads * usersPerThread).allMatch(JournalEntry::succeeded);
    assertThat(journal).extracting(JournalEntry::sequence)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, threads * usersPerThread).asLongStream().boxed().toList());
    assertThat(journal).extracting(JournalEntry::requestId).doesNotHaveDuplicates();
  }

  @Test
  void concurrentCreatesNeverGiveAUserMoreThanTwoKeys() throws Exception {
    fake.seedUser("u1");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<Boolean>> work = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        work.add(() -> {
          try {
            Sdk.ram(fake).createAccessKey(new CreateAccessKeyRequest().setUserName("u1"));
            return true;
          } catch (TeaException e) {
            return false;
          }
        });
      }
      long succeeded = 0;
      for (Future<Boolean> done : pool.invokeAll(work)) {
        succeeded += done.get() ? 1 : 0;
      }

      assertThat(succeeded).isEqualTo(2);
      assertThat(fake.accessKeys("u1")).hasSize(2);
      assertThat(fake.journal().of("CreateAccessKey")).filteredOn(entry -> !entry.succeeded())
          .extracting(JournalEntry::errorCode).containsOnly("LimitExceeded.User.AccessKey");
    } finally {
      pool.shutdownNow();
    }
  }
}
