package io.hybridcni.aliyun;

import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.CloudObserver;
import io.hybridcni.port.CredentialOwnerLookup;
import io.hybridcni.port.SecretStore;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads RAM and ACK for a spec: the user (with its comments), the policy with its versions, default document,
 * attachment count and holders (ListEntitiesForPolicy: the policy is per addon, so shared by the account), the
 * user's attached policies and AccessKeys (ids and status), the cluster and its addon instances. Independent reads run in parallel.
 *
 * <p>With {@link #withSecretKeyOwners}, it also reads the AccessKey the spec's Secret holds (in memory, through the
 * {@link SecretStore}) and, when that key is not one of the spec user's, asks who owns it
 * ({@link CredentialOwnerLookup}: STS {@code GetCallerIdentity} signed with that key). The owner is recorded as
 * {@link RamFacts#secretKeyOwner()} (user name, identity type, key id; never the secret); when it is another RAM
 * user, the user, attached policies and AccessKeys observed are that user's, since that is the user whose key is
 * adopted.
 */
public final class AliyunObserver implements CloudObserver {

  private static final Logger LOG = LoggerFactory.getLogger(AliyunObserver.class);

  /** Aliyun reads in flight at once on the shared pool, at most: one observation starts 8. */
  static final int DEFAULT_PARALLELISM = 16;

  /**
   * The default executor: a fixed pool of daemon threads shared by every observer, whose idle threads end, so
   * that concurrent observations queue instead of starting a thread per read.
   */
  private static final Executor SHARED_POOL = sharedPool();

  private final RamApi ram;
  private final AckApi ack;
  private final Executor executor;

  public AliyunObserver(RamApi ram, AckApi ack) {
    this(ram, ack, SHARED_POOL);
  }

  public AliyunObserver(RamApi ram, AckApi ack, Executor executor) {
    this(ram, ack, executor, null, null);
  }

  private final SecretStore secrets;
  private final CredentialOwnerLookup owners;

  private AliyunObserver(RamApi ram, AckApi ack, Executor executor, SecretStore secrets,
      CredentialOwnerLookup owners) {
    this.ram = ram;
    this.ack = ack;
    this.executor = executor;
    this.secrets = secrets;
    this.owners = owners;
  }

  /**
   * This observer, also looking up who owns the key in the spec's Secret: {@code secrets} reads the key in memory,
   * {@code owners} asks the cloud. Default: no lookup (a Secret hybridcni did not write is then never adopted).
   */
  public AliyunObserver withSecretKeyOwners(SecretStore secrets, CredentialOwnerLookup owners) {
    return new AliyunObserver(ram, ack, executor, java.util.Objects.requireNonNull(secrets, "secrets"),
        java.util.Objects.requireNonNull(owners, "owners"));
  }

  @Override
  public CloudFacts observe(HybridNetworkSpec spec) {
    String user = spec.ramUserName();
    String policy = spec.ramPolicyName();
    // Every read starts at once, before GetUser, GetPolicy or DescribeClusterDetail has said whether the reads that
    // follow from it matter: a read about a user, policy or cluster that turns out absent is not looked at, so its
    // failure (RAM's EntityNotExist.*, CS's not found) is no error; every other read fails the observation as before.
    var userFuture = async(() -> ram.getUser(user));
    var policyFuture = async(() -> ram.getPolicy(policy, "Custom"));
    var versionsFuture = async(() -> ram.listPolicyVersions(policy, "Custom"));
    var holdersFuture = async(() -> holders(policy));
    var attachedFuture = async(() -> ram.listPoliciesForUser(user));
    var keysFuture = async(() -> ram.listAccessKeys(user));
    var clusterFuture = async(() -> ack.describeCluster(spec.clusterId()));
    var addonsFuture = async(() -> ack.listAddonInstances(spec.clusterId()));
    List<CompletableFuture<?>> all = List.of(userFuture, policyFuture, versionsFuture, holdersFuture,
        attachedFuture, keysFuture, clusterFuture, addonsFuture);
    // The Secret is read through the cluster's own API server on the calling thread, while the Aliyun reads are in
    // flight, never on the pool the Aliyun reads share: in a fleet every member's observer shares that pool, and
    // members whose API servers were slow to answer (each read retried with backoff) held all of its threads, so
    // every other member's cloud observation waited behind them.
    Optional<AccessKeyCredential> credential;
    try {
      credential = secrets == null ? Optional.empty()
          : secrets.readAccessKey(spec.secretNamespace(), spec.secretName());
    } catch (RuntimeException e) {
      settle(all);
      throw e;
    }

    Optional<RamFacts.User> foundUser = join(userFuture);
    Optional<RamApi.PolicySummary> foundPolicy = join(policyFuture);
    RamFacts.Policy policyFacts = foundPolicy.map(p -> new RamFacts.Policy(p.name(), p.type(), p.defaultVersion(),
        join(versionsFuture), p.defaultDocument(), p.attachmentCount(), join(holdersFuture))).orElse(null);
    List<RamFacts.AttachedPolicy> attached = foundUser.isEmpty() ? List.of() : join(attachedFuture);
    List<RamFacts.AccessKey> keys = foundUser.isEmpty() ? List.of() : join(keysFuture);
    RamFacts facts = new RamFacts(foundUser.orElse(null), policyFacts, attached, keys);
    facts = withSecretKeyOwner(facts, user, credential);
    Optional<ClusterFacts> cluster = join(clusterFuture);
    List<AddonInstance> addons = cluster.isEmpty() ? List.of() : join(addonsFuture);
    settle(all);
    return new CloudFacts(facts, cluster.orElse(null), addons);
  }

  /**
   * Waits until the reads nobody looked at have answered too (they were in flight alongside the others, so this
   * costs next to nothing), so that an observation leaves no request of its own running behind it.
   */
  private static void settle(List<CompletableFuture<?>> futures) {
    for (CompletableFuture<?> f : futures) {
      try {
        f.join();
      } catch (CompletionException | CancellationException e) {
        // Only reads whose answer was not needed get here: the needed ones were joined above and threw then.
        LOG.debug("a read the observation did not need failed: {}", String.valueOf(e.getCause()));
      }
    }
  }

  /**
   * Reads again only the RAM and ACK parts {@code scope} names, each with the calls {@link #observe} makes for it:
   * the user ({@code GetUser}) and, when named, its attached policies and keys; the policy ({@code GetPolicy},
   * {@code ListPolicyVersions}) and, when named, its holders; the cluster; the addon instances. The Secret key's
   * owner is kept from {@code previous}: it changes only with the Secret, and a changed Secret is a fact of its
   * own. A scope naming a user other than the one {@code previous} describes (the spec's, or the owner of an
   * adopted key), or another policy or cluster than the spec's, is read by a whole {@link #observe}, since only that
   * decides whose facts the state holds.
   */
  @Override
  public CloudFacts refresh(HybridNetworkSpec spec, CloudFacts previous, FactScope scope) {
    if (!scope.touchesCloud()) {
      return previous;
    }
    RamFacts seen = previous.ram();
    String held = seen.user() != null ? seen.user().name()
        : seen.secretKeyOwner() != null && seen.secretKeyOwner().isRamUser() ? seen.secretKeyOwner().userName()
        : spec.ramUserName();
    Set<String> users = scope.allRamUsers();
    Set<String> policies = scope.allRamPolicies();
    if ((!users.isEmpty() && !users.equals(Set.of(held)))
        || (!policies.isEmpty() && !policies.equals(Set.of(spec.ramPolicyName())))
        || (!scope.clusters().isEmpty() && !scope.clusters().equals(Set.of(spec.clusterId())))) {
      return observe(spec);
    }
    var userFuture = users.isEmpty() ? null : async(() -> ram.getUser(held));
    var attachedFuture = userFuture == null || scope.ramUserAttachments().isEmpty() ? null
        : userFuture.thenApplyAsync(u -> u.isEmpty() ? List.<RamFacts.AttachedPolicy>of()
            : ram.listPoliciesForUser(held), executor);
    var keysFuture = userFuture == null || scope.ramUserAccessKeys().isEmpty() ? null
        : userFuture.thenApplyAsync(u -> u.isEmpty() ? List.<RamFacts.AccessKey>of()
            : ram.listAccessKeys(held), executor);
    String policy = spec.ramPolicyName();
    var policyFuture = policies.isEmpty() ? null : async(() -> ram.getPolicy(policy, "Custom"));
    var versionsFuture = policyFuture == null ? null
        : policyFuture.thenApplyAsync(p -> p.isEmpty() ? List.<RamFacts.PolicyVersion>of()
            : ram.listPolicyVersions(policy, "Custom"), executor);
    var holdersFuture = policyFuture == null || scope.ramPolicyHolders().isEmpty() ? null
        : policyFuture.thenApplyAsync(p -> p.isEmpty() ? List.<RamFacts.PolicyHolder>of() : holders(policy),
            executor);
    var clusterFuture = scope.clusters().isEmpty() ? null : async(() -> ack.describeCluster(spec.clusterId()));
    boolean addonsNamed = !scope.addons().isEmpty();
    CompletableFuture<List<AddonInstance>> addonsFuture = !addonsNamed ? null
        : clusterFuture == null
            ? (previous.cluster() == null ? CompletableFuture.completedFuture(List.<AddonInstance>of())
                : async(() -> ack.listAddonInstances(spec.clusterId())))
            : clusterFuture.thenApplyAsync(c -> c.isEmpty() ? List.<AddonInstance>of()
                : ack.listAddonInstances(spec.clusterId()), executor);

    RamFacts.User user = seen.user();
    List<RamFacts.AttachedPolicy> attached = seen.attachedPolicies();
    List<RamFacts.AccessKey> keys = seen.accessKeys();
    if (userFuture != null) {
      user = join(userFuture).orElse(null);
      // An absent user has no attachments and no keys, as a whole observation would record.
      attached = user == null ? List.of() : attachedFuture != null ? join(attachedFuture) : attached;
      keys = user == null ? List.of() : keysFuture != null ? join(keysFuture) : keys;
    }
    RamFacts.Policy policyFacts = seen.policy();
    if (policyFuture != null) {
      RamFacts.Policy before = seen.policy();
      Optional<RamApi.PolicySummary> found = join(policyFuture);
      List<RamFacts.PolicyVersion> versions = join(versionsFuture);
      List<RamFacts.PolicyHolder> holders = holdersFuture != null ? join(holdersFuture)
          : before == null ? null : before.holders();
      policyFacts = found.map(p -> new RamFacts.Policy(p.name(), p.type(), p.defaultVersion(), versions,
          p.defaultDocument(), p.attachmentCount(), holders)).orElse(null);
    }
    ClusterFacts cluster = clusterFuture == null ? previous.cluster() : join(clusterFuture).orElse(null);
    List<AddonInstance> addons = addonsFuture == null ? previous.addons() : join(addonsFuture);
    RamFacts refreshed = new RamFacts(user, policyFacts, attached, keys, seen.secretKeyOwner());
    return new CloudFacts(refreshed, cluster, addons);
  }

  /**
   * A key of the spec's own user needs no lookup (it is used as it always was); any other key is looked up, and
   * when its owner is another RAM user, that user is observed in place of the spec's.
   */
  private RamFacts withSecretKeyOwner(RamFacts facts, String specUser, Optional<AccessKeyCredential> credential) {
    if (credential.isEmpty()) {
      return facts;
    }
    String keyId = credential.get().accessKeyId();
    if (facts.accessKeys().stream().anyMatch(k -> k.id().equals(keyId))) {
      return facts;
    }
    RamFacts.SecretKeyOwner owner = owners.ownerOf(credential.get());
    if (!owner.isRamUser() || owner.userName().equals(specUser)) {
      return facts.withSecretKeyOwner(owner);
    }
    String adopted = owner.userName();
    Optional<RamFacts.User> user = ram.getUser(adopted);
    if (user.isEmpty()) {
      return new RamFacts(null, facts.policy(), List.of(), List.of(), owner);
    }
    var attached = async(() -> ram.listPoliciesForUser(adopted));
    var keys = async(() -> ram.listAccessKeys(adopted));
    return new RamFacts(user.get(), facts.policy(), join(attached), join(keys), owner);
  }

  /**
   * Who holds the shared policy, or {@code null} (not known) when RAM refuses to say: the identity running
   * hybridcni may lack {@code ram:ListEntitiesForPolicy} (RAM answers {@code NoPermission}, HTTP 403). The planner
   * then blocks any narrowing unless GetPolicy's AttachmentCount proves nobody else holds the policy; every other
   * failure fails the observation, as for the other reads.
   */
  private List<RamFacts.PolicyHolder> holders(String policy) {
    try {
      return ram.listEntitiesForPolicy(policy, "Custom");
    } catch (AliyunCallException e) {
      if (refused(e)) {
        return null;
      }
      throw e;
    }
  }

  private static boolean refused(AliyunCallException e) {
    String code = e.code() == null ? "" : e.code();
    return (e.statusCode() != null && e.statusCode() == 403) || code.startsWith("NoPermission")
        || code.startsWith("Forbidden");
  }

  private static Executor sharedPool() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_PARALLELISM,
        DEFAULT_PARALLELISM, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "hybridcni-aliyun-observe-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private <T> CompletableFuture<T> async(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, executor);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
