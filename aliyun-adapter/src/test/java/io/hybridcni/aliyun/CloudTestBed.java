package io.hybridcni.aliyun;

import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.port.SecretStore;
import io.hybridcni.port.SecretValue;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * The cloud side under test: the real SDK clients talking to a {@link FakeAliyun} over loopback, with sleeps
 * recorded instead of slept, and the Kubernetes half held in memory (its real adapter is tested on the fabric8
 * mock in kube-adapter). The Secret store remembers the values written so tests can scan for them.
 */
final class CloudTestBed implements AutoCloseable, ClusterObserver, SecretStore {

  static final String CALLER_ID = "LTAI5tCallerKey000001";
  static final String CALLER_SECRET = "CallerSecretQx8Wv2Lm6Np4Rt0Yz";

  final FakeAliyun fake;
  final RamApi ram;
  final AckApi ack;
  final List<Duration> sleeps = new ArrayList<>();
  final ManualClock clock = new ManualClock();
  private final KubernetesFacts kubernetes;
  private volatile SecretFacts secret;
  private volatile AccessKeyCredential written;
  private volatile RuntimeException secretFailure;
  private volatile String namedOnRead;
  private final Retrier retrier;

  CloudTestBed(FakeAliyunOptions options, KubernetesFacts kubernetes) {
    this(options, kubernetes, Specs.REGION);
  }

  /** A bed whose cluster ACK registered in {@code clusterRegion}; the connection is to {@code Specs.REGION}. */
  CloudTestBed(FakeAliyunOptions options, KubernetesFacts kubernetes, String clusterRegion) {
    this.fake = FakeAliyun.start(options).addAccessKey(CALLER_ID, CALLER_SECRET)
        .addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", clusterRegion);
    this.kubernetes = kubernetes;
    this.secret = kubernetes.secret();
    Sleeper sleeper = d -> {
      sleeps.add(d);
      clock.advance(d);
    };
    this.retrier = new Retrier(RetryPolicy.defaults(), sleeper, () -> 0.5);
    AliyunConnection connection = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint())
        .protocol("HTTP").accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).build();
    this.ram = connection.ram(retrier);
    this.ack = connection.ack(retrier);
  }

  static CloudTestBed hostNetwork() {
    return new CloudTestBed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(2),
        SampleClusters.freshHostNetwork().kubernetes());
  }

  static HybridNetworkSpec spec() {
    return Specs.hostNetwork();
  }

  /**
   * The kinds whose executors live in the kube-adapter, which this module cannot wire: its reconcilers say so
   * ({@code Reconciler.Builder.unwired}); the beds' plans hold none of them.
   */
  static final Set<ActionKind> KUBE_KINDS = Set.of(ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI,
      ActionKind.REMOVE_CNI_EXCLUSION, ActionKind.RESTART_TERWAY);

  List<ActionExecutor<?>> executors(AddonWaitOptions wait) {
    List<ActionExecutor<?>> all = new ArrayList<>(AliyunExecutors.create(ram, ack, this, retrier, wait, clock));
    all.add(secretDeletion());
    return all;
  }

  /** The Kubernetes side of a destroy for the Secret held here (the kube-adapter's own is tested on the mock). */
  private ActionExecutor<?> secretDeletion() {
    return ActionExecutor.of(ActionDetail.SecretDeletion.class, Set.of(ActionKind.DELETE_SECRET),
        (action, d, context) -> {
          if (!context.dryRun()) {
            secret = SecretFacts.absent(d.namespace(), d.name());
          }
          return context.dryRun() ? StepResult.dryRun("client", "would delete the Secret", List.of())
              : StepResult.applied("deleted Secret " + d.namespace() + "/" + d.name());
        });
  }


  Reconciler reconciler() {
    return reconciler(AddonWaitOptions.defaults());
  }

  Reconciler reconciler(AddonWaitOptions wait) {
    return Reconciler.builder().cluster(this).cloud(new AliyunObserver(ram, ack)).executors(executors(wait))
        .unwired(KUBE_KINDS).build();
  }

  /** Every later Secret write fails with this. */
  void failSecretWrites(RuntimeException failure) {
    this.secretFailure = failure;
  }

  /**
   * From now on, reading the Secret back answers {@code accessKeyId}, while what the observer sees stays as it was:
   * the Secret was written to name that key after the plan's facts were checked again, right before the action.
   */
  void secretNamesOnRead(String accessKeyId) {
    this.namedOnRead = accessKeyId;
  }

  AccessKeyCredential written() {
    return written;
  }

  @Override
  public KubernetesFacts observe(HybridNetworkSpec spec) {
    return new KubernetesFacts(kubernetes.nodes(), kubernetes.cni(), kubernetes.terway(), secret,
        kubernetes.identity(), kubernetes.secretNamespace());
  }

  @Override
  public void writeAccessKey(String namespace, String name, AccessKeyCredential credential) {
    if (secretFailure != null) {
      throw secretFailure;
    }
    written = credential;
    secret = new SecretFacts(namespace, name, true, "Opaque", "1",
        Map.of("access-key-id", ValueHash.of(credential.accessKeyId()),
            "access-key-secret", ValueHash.of(credential.accessKeySecret().reveal())),
        Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE));
  }

  /**
   * The id in the Secret held here: the key written last, or a key of the fixture user whose hash the Secret holds;
   * a Secret that holds some other id answers a stand-in for it.
   */
  @Override
  public java.util.Optional<String> accessKeyIdIn(String namespace, String name) {
    if (namedOnRead != null) {
      return java.util.Optional.of(namedOnRead);
    }
    SecretFacts now = secret;
    if (now == null || !now.present() || !now.valueHashes().containsKey("access-key-id")) {
      return java.util.Optional.empty();
    }
    List<String> candidates = new ArrayList<>();
    if (written != null) {
      candidates.add(written.accessKeyId());
    }
    fake.accessKeys(Specs.RAM_USER).forEach(k -> candidates.add(k.id()));
    return java.util.Optional.of(candidates.stream().filter(id -> now.holds("access-key-id", id)).findFirst()
        .orElse("(a key this test bed does not know)"));
  }

  @Override
  public void close() {
    fake.close();
  }

  static HybridCniException permanentSecretFailure() {
    return new HybridCniException("PUT Secret kube-system/alibaba-addon-secret failed: 403 Forbidden");
  }

  /** A clock that moves only when the test bed's sleeper sleeps. */
  static final class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2026-11-28T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
