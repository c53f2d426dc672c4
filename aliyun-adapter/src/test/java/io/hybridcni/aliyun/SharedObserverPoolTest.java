package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretStore;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@link AliyunObserver} built without an executor of its own shares one pool for its Aliyun reads, as the
 * members of a fleet do. The Secret an observation also reads is the cluster's, read through that cluster's API
 * server, which can be slow or gone: that read must never hold a thread of the shared pool, or clusters whose API
 * servers do not answer stop every other cluster's cloud observation.
 */
class SharedObserverPoolTest {

  private static final String CALLER_ID = "LTAI5tPoolCallerKey0001";
  private static final String CALLER_SECRET = "PoolCallerSecretQx8Wv2Lm6Np4";

  private final FakeAliyun fake = FakeAliyun.start().addAccessKey(CALLER_ID, CALLER_SECRET)
      .addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", Specs.REGION);
  private final Retrier retrier = new Retrier(RetryPolicy.defaults(), d -> { }, () -> 0.5);
  private final AliyunConnection connection = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint())
      .protocol("HTTP").accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).build();
  private final CountDownLatch apiServersAnswer = new CountDownLatch(1);
  /** Counts the Secret reads under way: as many as the pool has threads is enough to have held all of them. */
  private final CountDownLatch reading = new CountDownLatch(AliyunObserver.DEFAULT_PARALLELISM);
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    apiServersAnswer.countDown();
    callers.shutdown();
    assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).as("the stuck observations ended").isTrue();
    fake.close();
  }

  /** A cluster's Secret read through an API server that does not answer until the test lets it. */
  private SecretStore unanswered() {
    return new SecretStore() {
      @Override
      public void writeAccessKey(String namespace, String name, AccessKeyCredential credential) {
        throw new AssertionError("an observation never writes");
      }

      @Override
      public Optional<AccessKeyCredential> readAccessKey(String namespace, String name) {
        reading.countDown();
        try {
          apiServersAnswer.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Optional.empty();
      }
    };
  }

  private AliyunObserver observer(SecretStore secrets) {
    AliyunObserver plain = new AliyunObserver(connection.ram(retrier), connection.ack(retrier));
    return secrets == null ? plain : plain.withSecretKeyOwners(secrets, connection.credentialOwners(retrier));
  }

  @Test
  void clustersWhoseApiServersDoNotAnswerTheSecretReadDoNotHoldUpAnotherClustersCloudObservation()
      throws Exception {
    List<CompletableFuture<CloudFacts>> stuck = new ArrayList<>();
    // More stuck clusters than the shared pool has threads: each would hold one for as long as its read hangs.
    for (int i = 0; i < 2 * AliyunObserver.DEFAULT_PARALLELISM; i++) {
      AliyunObserver member = observer(unanswered());
      stuck.add(CompletableFuture.supplyAsync(() -> member.observe(Specs.auto()), callers));
    }

    assertThat(reading.await(30, TimeUnit.SECONDS)).as("the stuck clusters are reading their Secrets").isTrue();

    CompletableFuture<CloudFacts> other = CompletableFuture.supplyAsync(() -> observer(null).observe(Specs.auto()),
        callers);

    // Not a timing of the observation: the bound only keeps a regression from hanging the build.
    assertThat(other.get(60, TimeUnit.SECONDS).cluster()).as("the other cluster's observation").isNotNull();
    assertThat(stuck).as("the stuck clusters are still waiting for their API servers").noneMatch(
        CompletableFuture::isDone);
    apiServersAnswer.countDown();
    for (CompletableFuture<CloudFacts> f : stuck) {
      assertThat(f.get(60, TimeUnit.SECONDS).cluster()).isNotNull();
    }
  }
}
