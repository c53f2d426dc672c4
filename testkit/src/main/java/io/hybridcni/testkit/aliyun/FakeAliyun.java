package io.hybridcni.testkit.aliyun;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful fake of Alibaba Cloud RAM (API 2015-05-01) and Container Service (API 2015-12-15) on a loopback
 * HTTP port, for tests that drive the real Aliyun Java SDK V2.
 *
 * <pre>{@code
 * try (FakeAliyun fake = FakeAliyun.start()) {
 *   fake.addAccessKey("LTAIcaller", "caller-secret");
 *   Config config = new Config().setAccessKeyId("LTAIcaller").setAccessKeySecret("caller-secret")
 *       .setEndpoint(fake.endpoint()).setProtocol("HTTP");
 *   new com.aliyun.ram20150501.Client(config).createUser(new CreateUserRequest().setUserName("u1"));
 *   assertThat(fake.user("u1")).isPresent();
 * }
 * }</pre>
 *
 * <p>What it checks and keeps:
 * <ul>
 *   <li>Every request must carry a valid {@code ACS3-HMAC-SHA256} signature by a known key: one given to
 *       {@link #addAccessKey(String, String)}, or an active AccessKey of a RAM user held by the fake. An
 *       unknown key is answered {@code InvalidAccessKeyId.NotFound} (404), a wrong signature
 *       {@code SignatureDoesNotMatch} (400), a replayed nonce {@code SignatureNonceUsed} (400).</li>
 *   <li>RAM: users, custom (and seeded system) policies with up to 5 versions, user attachments, and up to 2
 *       AccessKeys per user, with the error codes and statuses of the real service
 *       ({@code EntityNotExist.*} 404, {@code EntityAlreadyExists.*} 409, {@code LimitExceeded.*} 409,
 *       {@code DeleteConflict.*} 409). An AccessKey secret appears only in its {@code CreateAccessKey}
 *       response.</li>
 *   <li>CS: clusters you add, their addon instances and tasks; an install, upgrade or uninstall shows its
 *       transitional state for {@link FakeAliyunOptions#addonPollsBeforeSettled()} observations, then succeeds or
 *       fails as {@linkplain #failNextAddonTask scripted}; DescribeTaskInfo reports the task with ACK's
 *       {@code error}.</li>
 *   <li>A {@link #journal()} of every call with secrets masked, and a {@link #faults()} script.</li>
 * </ul>
 * Requests name their product by the {@code x-acs-version} header, so one endpoint serves both. The fake is
 * thread-safe: each call is atomic.
 *
 * <p>Not modelled: permissions (every known key may call every operation), clock skew of
 * {@code x-acs-date}, the expiry of STS tokens, the older HMAC-SHA1 signatures, and CS operations beyond the eight named in
 * {@link Faults}.
 */
public final class FakeAliyun implements AutoCloseable {

  static {
    // The JDK server otherwise leaves Nagle's algorithm on, so every answer waits for the client's delayed ACK
    // (about 40 ms a call). Read once, when the first server starts; a value set by the caller wins.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** The version an addon install gets when the request names none, as ACK installs its current default. */
  public static final String DEFAULT_ADDON_VERSION = "v1.9.0";

  /** The Alibaba Cloud account the fake serves: STS {@code GetCallerIdentity} answers it as {@code AccountId}. */
  public static final String ACCOUNT_ID = "5123000000000001";

  /** The {@code cluster_type} of an ACK One registered cluster. */
  public static final String REGISTERED_CLUSTER_TYPE = "ExternalKubernetes";

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final FakeAliyunOptions options;
  private final HttpServer server;
  private final ExecutorService executor;
  private final RamService ram;
  private final CsService cs;
  private final Faults faults = new Faults();
  private final FakeHttpHandler handler;

  private FakeAliyun(FakeAliyunOptions options) throws IOException {
    this.options = options;
    Ids ids = new Ids(options.clock());
    this.ram = new RamService(ids);
    this.cs = new CsService(ids, options.addonPollsBeforeSettled(), options.addonNotFoundStatus());
    this.handler = new FakeHttpHandler(options, ids, ram, cs, faults);
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "fake-aliyun-" + instance + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", handler);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a fake with {@link FakeAliyunOptions#defaults()} on a free loopback port. */
  public static FakeAliyun start() {
    return start(FakeAliyunOptions.defaults());
  }

  /** Starts a fake with the given options on a free loopback port. */
  public static FakeAliyun start(FakeAliyunOptions options) {
    Objects.requireNonNull(options, "options");
    try {
      return new FakeAliyun(options);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not open a loopback port for the fake Aliyun server", e);
    }
  }

  /**
   * The {@code host:port} to give {@code com.aliyun.teaopenapi.models.Config#setEndpoint} (together with
   * {@code setProtocol("HTTP")}), e.g. {@code 127.0.0.1:41234}. Serves RAM and CS alike.
   */
  public String endpoint() {
    InetSocketAddress address = server.getAddress();
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /** The options this fake was started with. */
  public FakeAliyunOptions options() {
    return options;
  }

  /**
   * Accepts requests signed with this AccessKey (a caller's credential, not owned by any RAM user the fake
   * holds). Adding the same id again replaces its secret.
   */
  public FakeAliyun addAccessKey(String accessKeyId, String accessKeySecret) {
    ram.addCallerKey(requireText(accessKeyId, "accessKeyId"), requireText(accessKeySecret, "accessKeySecret"));
    return this;
  }

  /**
   * Accepts requests signed with this temporary STS credential (ids start with {@code STS.} on the real service),
   * and only when they carry {@code securityToken} in the signed header {@code x-acs-security-token}: without it the
   * answer is {@code MissingSecurityToken}, with another token {@code InvalidSecurityToken.MismatchWithAccessKey}
   * (both 400), as the real gateway refuses an STS key without its token.
   */
  public FakeAliyun addStsAccessKey(String accessKeyId, String accessKeySecret, String securityToken) {
    ram.addStsKey(requireText(accessKeyId, "accessKeyId"), requireText(accessKeySecret, "accessKeySecret"),
        requireText(securityToken, "securityToken"));
    return this;
  }

  /** The fault script; changes apply to the next calls. */
  public Faults faults() {
    return faults;
  }

  /** A snapshot of every call received so far, oldest first; renders no secret. */
  public Journal journal() {
    return handler.journal();
  }

  /** Forgets the calls journaled so far (state is kept). */
  public void clearJournal() {
    handler.clearJournal();
  }

  /**
   * How many requests the fake is serving at this moment, counted from the moment the HTTP server hands a request
   * over (before the {@linkplain FakeAliyunOptions#latency() latency}) until its answer has been sent: it drops
   * just before the answer's last byte goes out, so a client that keeps at most N calls outstanding is never seen
   * with more than N here.
   */
  public int requestsInFlight() {
    return handler.inFlight();
  }

  /**
   * The most requests the fake has served at once since it started or since {@link #resetPeakRequestsInFlight()};
   * lets a benchmark prove, at the server, that a client-side concurrency limit held.
   */
  public int peakRequestsInFlight() {
    return handler.peakInFlight();
  }

  /** Starts measuring {@link #peakRequestsInFlight()} again from the number in flight now. */
  public void resetPeakRequestsInFlight() {
    handler.resetPeakInFlight();
  }

  // ---------------------------------------------------------------------------------------------- RAM seeding

  /** Adds a RAM user (display name = name). Fails if the user exists. */
  public FakeAliyun seedUser(String name) {
    ram.seedUser(requireText(name, "name"));
    return this;
  }

  /**
   * Adds a custom RAM policy whose versions are {@code v1..vN} holding the documents in order; the last one is
   * the default. Documents are kept exactly as given.
   *
   * @param documents 1 to 5 policy documents
   */
  public FakeAliyun seedPolicy(String name, String... documents) {
    ram.seedPolicy(requireText(name, "name"), RamService.CUSTOM, Arrays.asList(documents.clone()));
    return this;
  }

  /** Adds a system policy (type {@code System}) with one version, to attach or read. */
  public FakeAliyun seedSystemPolicy(String name, String document) {
    ram.seedPolicy(requireText(name, "name"), RamService.SYSTEM, List.of(requireText(document, "document")));
    return this;
  }

  /** Attaches a seeded policy (custom first, else system) to a seeded user; already attached is a no-op. */
  public FakeAliyun seedAttachment(String userName, String policyName) {
    ram.seedAttachment(requireText(userName, "userName"), requireText(policyName, "policyName"));
    return this;
  }

  /**
   * Attaches a seeded policy (custom first, else system) to a RAM group, as another team of the account may have
   * done; ListEntitiesForPolicy lists it under {@code Groups}. Already attached is a no-op.
   */
  public FakeAliyun seedGroupAttachment(String groupName, String policyName) {
    ram.seedGroupAttachment(requireText(groupName, "groupName"), requireText(policyName, "policyName"));
    return this;
  }

  /**
   * Attaches a seeded policy (custom first, else system) to a RAM role; ListEntitiesForPolicy lists it under
   * {@code Roles} with a role id and ARN. Already attached is a no-op.
   */
  public FakeAliyun seedRoleAttachment(String roleName, String policyName) {
    ram.seedRoleAttachment(requireText(roleName, "roleName"), requireText(policyName, "policyName"));
    return this;
  }

  /**
   * Gives a seeded user a new active AccessKey and returns its id. Its secret stays inside the fake; check a
   * candidate with {@link #secretMatches(String, String)}. Fails if the user already holds 2 keys.
   */
  public String seedAccessKey(String userName) {
    return seedAccessKey(userName, "Active");
  }

  /**
   * Gives a seeded user a new AccessKey with the status {@code Active} or {@code Inactive} and returns its id.
   */
  public String seedAccessKey(String userName, String status) {
    return ram.seedAccessKey(requireText(userName, "userName"), requireText(status, "status"));
  }

  /**
   * An AccessKey the fake issued together with its secret, as {@code CreateAccessKey} answers it once; for a test
   * that must put the key where another tool left it (see {@link #seedUserWithKey}). {@code toString} masks the
   * secret.
   */
  public record IssuedAccessKey(String id, String secret) {
    @Override
    public String toString() {
      return "IssuedAccessKey[id=" + id + ", secret=(sensitive value)]";
    }
  }

  /**
   * A RAM user and one AccessKey of it, as {@code onectl ram-user grant} or another registered-cluster addon's
   * setup leaves them (the runbook's step 1: a RAM user whose key goes into {@code kube-system/alibaba-addon-secret}),
   * handing out the key's secret so that the test can write the Secret too (e.g. with
   * {@code io.hybridcni.testkit.kube.KubeSampleCluster#seedSharedAddonSecret}). The user is not hybridcni's: its
   * comments are empty. Fails if the user exists.
   *
   * @param status {@code Active} or {@code Inactive}
   */
  public IssuedAccessKey seedUserWithKey(String userName, String status) {
    ram.seedUser(requireText(userName, "userName"));
    String[] issued = ram.seedAccessKeyWithSecret(userName, requireText(status, "status"));
    return new IssuedAccessKey(issued[0], issued[1]);
  }

  /**
   * {@link #seedUserWithKey(String, String)} with a given secret instead of a random one, for output that must
   * read the same on every run (a demo's golden plan: the Secret's value hashes are in its fingerprints). The
   * secret counts as issued, so secret scans look for it as for any other.
   */
  public IssuedAccessKey seedUserWithKey(String userName, String status, String secret) {
    ram.seedUser(requireText(userName, "userName"));
    String[] issued = ram.seedAccessKeyWithSecret(userName, requireText(status, "status"),
        requireText(secret, "secret"));
    return new IssuedAccessKey(issued[0], issued[1]);
  }

  /**
   * Sets an existing AccessKey's status to {@code Active} or {@code Inactive}, as RAM's UpdateAccessKey (or a user
   * disabling the key in the console) does, e.g. to start a rotation.
   */
  public FakeAliyun setAccessKeyStatus(String accessKeyId, String status) {
    ram.setAccessKeyStatus(requireText(accessKeyId, "accessKeyId"), requireText(status, "status"));
    return this;
  }

  // ---------------------------------------------------------------------------------------------- RAM state

  /** Every RAM user, in creation order. */
  public List<RamUser> users() {
    return ram.users();
  }

  /** The RAM user with this name, if it exists. */
  public Optional<RamUser> user(String name) {
    return ram.user(name);
  }

  /** Every policy with all its versions, in creation order. */
  public List<RamPolicy> policies() {
    return ram.policies();
  }

  /** The custom policy with this name, else the system policy with this name, if either exists. */
  public Optional<RamPolicy> policy(String name) {
    return ram.policy(name);
  }

  /** The names of the policies attached to the user, in attach order (empty for an unknown user). */
  public List<String> attachedPolicies(String userName) {
    return ram.attachedPolicies(userName);
  }

  /** The user's AccessKeys (ids and statuses, never secrets), in creation order. */
  public List<RamAccessKey> accessKeys(String userName) {
    return ram.accessKeys(userName);
  }

  /**
   * Whether {@code candidate} is the secret of the AccessKey, compared in constant time; lets a test check
   * that a secret was stored where it belongs without the fake ever handing one out.
   */
  public boolean secretMatches(String accessKeyId, String candidate) {
    return ram.secretMatches(accessKeyId, candidate);
  }

  // ---------------------------------------------------------------------------------------------- CS

  /**
   * Adds a cluster, e.g. {@code addCluster("c1", REGISTERED_CLUSTER_TYPE, "running", "cn-hangzhou")}; its name
   * is its id. Addons can be installed only while the state is {@code running}.
   */
  public FakeAliyun addCluster(String clusterId, String type, String state, String regionId) {
    cs.addCluster(requireText(clusterId, "clusterId"), requireText(type, "type"), requireText(state, "state"),
        requireText(regionId, "regionId"));
    return this;
  }

  /**
   * Puts an addon instance into a cluster, in any state the real service shows: {@code active}, {@code Failed},
   * {@code failed}, {@code Canceled}, {@code unhealthy} (these stay), or a transitional one ({@code installing},
   * {@code initial}, {@code updating}, {@code upgrading}, {@code deleting}), which settles like one started through
   * the API. Sources in {@link CsService}'s Javadoc.
   */
  public FakeAliyun seedAddon(String clusterId, String name, String version, String state) {
    cs.seedAddon(requireText(clusterId, "clusterId"), requireText(name, "name"), Objects.requireNonNull(version,
        "version"), requireText(state, "state"));
    return this;
  }

  /** The cluster with this id, if it was added. */
  public Optional<CsCluster> cluster(String clusterId) {
    return cs.cluster(clusterId);
  }

  /** The cluster's addon instances as they are now; reading them here is not an observation. */
  public List<CsAddon> addons(String clusterId) {
    return cs.addons(clusterId);
  }

  /** One addon instance as it is now, if present; reading it here is not an observation. */
  public Optional<CsAddon> addon(String clusterId, String name) {
    return cs.addons(clusterId).stream().filter(addon -> addon.name().equals(name)).findFirst();
  }

  /** The task with this id, if an addon change started it. */
  public Optional<CsTask> task(String taskId) {
    return cs.task(taskId);
  }

  /**
   * Scripts a task failure: the next install, upgrade or uninstall of {@code addonName} starts a task that, when it
   * settles, reads {@code failed} in DescribeTaskInfo with {@code error {code, message}}, and leaves the addon
   * instance in {@code stateAfter}: {@code "active"} for the real service's "wrong status(success) after failing"
   * (the Terraform alicloud provider's CHANGELOG, issue 6996), a failure state such as {@code "Failed"}, or
   * {@code null} for an install that left nothing. Failures queue up per addon, one per change.
   */
  public FakeAliyun failNextAddonTask(String addonName, String code, String message, String stateAfter) {
    cs.failNextTask(requireText(addonName, "addonName"), requireText(code, "code"), requireText(message, "message"),
        stateAfter);
    return this;
  }

  /** Settles every pending addon change at once, as if enough polls had happened. */
  public void settleAddons() {
    cs.settleAll();
  }

  /** Stops the server; connections still open are closed. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FakeAliyun{endpoint=" + endpoint() + ", " + options + "}";
  }

  private static String requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
