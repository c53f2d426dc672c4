package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.testkit.kube.ServerWrites;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Issue 13's "a replica that dies loses its shards to the others within the lease duration", played on fabric8 mocks
 * (CRUD mode) with the testkit's controllers: a hub and its registered member clusters ({@link FleetWorld}), every
 * member converged and registered, and fleet replicas on the hub, each a separate process as far as the API servers
 * can tell (its own hub client, its own {@link LeaseShards}, its own Aliyun account limiter, its own member clients).
 * {@code FleetReplicaKillTest} asserts on it; the bench's {@code KillBench} measures it, repeated.
 *
 * <p><b>Who wrote what.</b> Each replica's member writes go through clients of its own whose {@code User-Agent}
 * names it ({@value #AGENT_PREFIX}{@code <identity>}; the world's own clients send {@value FleetWorld#TEST_AGENT}),
 * and every API server records each write with the moment its store took it ({@link ServerWrites}). The hub's
 * record of the shard Leases' writes gives, for every moment, the holder each shard Lease named; {@link #violations()}
 * lists every member write sent by a replica that was not then the holder of that member's shard, and every member
 * write from a client that is neither a replica's nor the test's (a write path that escaped the per-replica clients).
 * Real API servers record the same thing in their audit logs ({@code userAgent}, {@code requestReceivedTimestamp});
 * the production member clients send hybridcni's {@code UserAgent}, the same for every replica (an audit log tells
 * replicas apart by {@code sourceIPs}), which is why the replicas here get tagged ones.
 *
 * <p><b>The kill.</b> {@link #killAndRepair} crashes a replica with {@link LeaseShards#crash()} and
 * {@link Fleet#crash()}, stand-ins for the process dying: nothing more is sent, and no Lease is released, so the
 * survivors take its shards only once they have watched its Leases unchanged for the lease duration. Then it
 * overwrites the calico-node affinity (a {@code helm upgrade} of Calico) in a member the dead replica kept, and
 * waits for a survivor to take the shard and repair the drift.
 */
public final class FleetKill implements AutoCloseable {

  /** How many shards the fleet is split into. */
  public static final int SHARDS = 12;
  /** The User-Agent prefix of a replica's member clients; the identity follows. */
  static final String AGENT_PREFIX = "hybridcni-replica/";
  private static final String SHARD_PREFIX = "hybridcni-fleet-shard-";
  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/" + FleetWorld.HUB_NAMESPACE
      + "/leases";

  /**
   * What to play.
   *
   * @param clusters registered member clusters
   * @param replicas replicas kept running (a killed one is replaced by {@link #replace})
   * @param lease the shard Leases' duration; renew deadline two thirds of it
   * @param retry the replicas' round (client-go's retry period): the check period of a shard Lease
   * @param kubeLatency added to every answer of the hub's and the members' API servers once set up
   * @param aliyunLatency added to every answer of the fake Aliyun, from the start
   */
  public record Params(int clusters, int replicas, Duration lease, Duration retry, Duration kubeLatency,
      Duration aliyunLatency) {

    /** 12 clusters, 3 replicas, a 3 s lease checked every 250 ms, no latency: the test's. */
    public static Params test() {
      return new Params(12, 3, Duration.ofSeconds(3), Duration.ofMillis(250), Duration.ZERO, Duration.ZERO);
    }
  }

  /**
   * What one kill showed, its times from the kill: who took the drifted cluster's shard and when, when the taker's
   * member of the cluster was built, had its cache synced and first planned, and when the repair's write reached
   * the member; {@code everyShardTaken} when each shard the victim held was taken by a survivor, in shard order, and
   * {@code sinceLastRenewal} the same takes measured from the victim's last renewal of that shard (its last write
   * the hub's store took), which the survivors' lease judgement actually starts from.
   */
  public record Kill(String victim, String cluster, int shard, String taker, Duration taken, String repairer,
      Duration repaired, Duration memberBuilt, Duration memberSynced, Duration memberPlanned,
      List<Duration> everyShardTaken, List<Duration> sinceLastRenewal) {}

  /** One replica: its identity, its own hub client, its shards and its fleet. */
  static final class Replica {
    final String identity;
    final KubernetesClient hub;
    final LeaseShards shards;
    final Fleet fleet;
    volatile boolean crashed;

    Replica(String identity, KubernetesClient hub, LeaseShards shards, Fleet fleet) {
      this.identity = identity;
      this.hub = hub;
      this.shards = shards;
      this.fleet = fleet;
    }

    @Override
    public String toString() {
      return identity + "=" + shards.held();
    }
  }

  /** When a replica's member of one cluster was built, had its cache synced and first planned. */
  private static final class MemberTimes implements ControllerListener {
    final long built = System.nanoTime();
    volatile long synced;
    volatile long planned;

    @Override
    public void synced() {
      if (synced == 0) {
        synced = System.nanoTime();
      }
    }

    @Override
    public void planned(Plan plan, NetworkStatus status) {
      if (planned == 0) {
        planned = System.nanoTime();
      }
    }
  }

  final FleetWorld world;
  private final Params params;
  private final AtomicReference<Duration> kubeLatency = new AtomicReference<>(Duration.ZERO);
  private final List<Replica> replicas = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> others = new CopyOnWriteArrayList<>();
  /** {@code identity cluster} to the times of the latest member built there. */
  private final Map<String, MemberTimes> times = new ConcurrentHashMap<>();
  private final List<String> names = new ArrayList<>();
  private int started;

  private FleetKill(Params params) {
    this.params = params;
    for (int i = 1; i <= params.clusters(); i++) {
      names.add(String.format("member-%02d", i));
    }
    this.world = new FleetWorld(params.aliyunLatency(), kubeLatency::get, names.toArray(String[]::new));
  }

  /**
   * The world converged and registered, the latency on, and {@code params.replicas()} replicas started together
   * and steady ({@link #awaitSteady}).
   */
  public static FleetKill start(Params params) throws InterruptedException {
    FleetKill kill = new FleetKill(params);
    try {
      kill.setUp();
      for (int i = 0; i < params.replicas(); i++) {
        kill.startReplica();
      }
      kill.awaitSteady(Duration.ofSeconds(60));
      return kill;
    } catch (RuntimeException | InterruptedException | Error e) {
      kill.close();
      throw e;
    }
  }

  /** The world converged and registered with the latency on, and no replica yet: a test starts its own. */
  static FleetKill setUpOnly(Params params) throws InterruptedException {
    FleetKill kill = new FleetKill(params);
    try {
      return kill.setUp();
    } catch (RuntimeException | InterruptedException | Error e) {
      kill.close();
      throw e;
    }
  }

  /** The world converged (as {@code hybridcni apply} would, in parallel) and registered, then the latency on. */
  FleetKill setUp() throws InterruptedException {
    AliyunAccount account = world.account(FleetWorld.generousLimiter());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      // The first alone: it creates what the account's clusters share (the RAM policy), which two at once would race
      // to create.
      List<Future<ReconcileResult>> done = new ArrayList<>();
      for (String name : names) {
        done.add(pool.submit(() -> world.converge(name, account)));
        if (done.size() == 1) {
          done.get(0).get();
        }
      }
      for (int i = 0; i < names.size(); i++) {
        ReconcileResult result = done.get(i).get();
        if (!result.converged()) {
          throw new IllegalStateException(names.get(i) + " did not converge in the set-up: " + result.why());
        }
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the set-up's converge failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    names.forEach(world::register);
    kubeLatency.set(params.kubeLatency());
    return this;
  }

  /** The member clusters' names. */
  public List<String> clusters() {
    return List.copyOf(names);
  }

  /** The shard of member {@code name}. */
  static int shardOf(String name) {
    return ShardOwnership.shardOf(FleetWorld.HUB_NAMESPACE, name, SHARDS);
  }

  /** The replicas alive, oldest first. */
  List<Replica> live() {
    return replicas.stream().filter(r -> !r.crashed).toList();
  }

  /** The identities of the replicas alive, oldest first. */
  public List<String> liveIdentities() {
    return live().stream().map(r -> r.identity).toList();
  }

  /** The next replica: {@code replica-a}, {@code replica-b}, ... */
  Replica startReplica() {
    String identity = started < 26 ? "replica-" + (char) ('a' + started) : "replica-" + started;
    started++;
    KubernetesClient hub = world.hubClient(AGENT_PREFIX + identity);
    LeaseShards shards = LeaseShards.builder(hub, identity).namespace(FleetWorld.HUB_NAMESPACE).shards(SHARDS)
        .leaseDuration(params.lease()).renewDeadline(params.lease().multipliedBy(2).dividedBy(3))
        .retryPeriod(params.retry()).build();
    Fleet fleet = fleetOf(hub, shards, identity).build();
    Replica replica = new Replica(identity, hub, shards, fleet);
    replicas.add(replica);
    fleet.start();
    return replica;
  }

  /**
   * A fleet on {@code hub} as a replica {@code identity} runs it: its own Aliyun account and limiter, its member
   * writes through clients that name it, each member's times recorded.
   */
  Fleet.Builder fleetOf(KubernetesClient hub, ShardOwnership shards, String identity) {
    return world.fleet(hub, shards, world.account(FleetWorld.generousLimiter()))
        .identity(identity)
        .wiring(tagged(identity))
        // The Secrets are re-read once a minute and the API servers probed every 10 s, as by default: a shard coming
        // wakes the fleet anyway, and no API server here goes away.
        .secretPoll(Duration.ofMinutes(1))
        .probeEvery(Duration.ofSeconds(10))
        .memberListeners(key -> {
          MemberTimes t = new MemberTimes();
          times.put(identity + " " + key.substring(key.indexOf('/') + 1), t);
          return List.of(t);
        });
  }

  /** The world's wiring on a client of the member of its own, whose User-Agent names the replica. */
  private MemberWiring tagged(String identity) {
    StandardMemberWiring standard = world.wiring();
    return (spec, cluster, account) -> {
      KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(cluster.getConfiguration())
          .withUserAgent(AGENT_PREFIX + identity).build()).build();
      try {
        MemberWiring.Parts parts = standard.wire(spec, own, account);
        return new MemberWiring.Parts(parts.applyLock(), parts.writer(), parts.cloud(), parts.status(), () -> {
          try {
            if (parts.onClose() != null) {
              parts.onClose().close();
            }
          } finally {
            own.close();
          }
        });
      } catch (RuntimeException e) {
        own.close();
        throw e;
      }
    };
  }

  /**
   * Waits until the live replicas split the shards evenly (each holds {@code ceil} or {@code floor} of
   * {@code SHARDS / live}, all held), every cluster is kept by exactly one live replica, the one holding its shard,
   * whose member of it has planned, and every cluster's calico-node excludes the cloud nodes.
   */
  public Duration awaitSteady(Duration within) throws InterruptedException {
    return await(within, "the replicas split the shards and keep every cluster exactly once, each planned and "
        + "converged",
        this::steady);
  }

  private boolean steady() {
    List<Replica> rs = live();
    int least = SHARDS / rs.size();
    int most = (SHARDS + rs.size() - 1) / rs.size();
    Set<Integer> all = new java.util.HashSet<>();
    for (Replica r : rs) {
      Set<Integer> held = r.shards.held();
      if (held.size() < least || held.size() > most) {
        return false;
      }
      all.addAll(held);
    }
    if (all.size() != SHARDS) {
      return false;
    }
    Map<String, List<String>> keepers = keepers();
    return keepers.values().stream().allMatch(k -> k.size() == 1) && keepers.size() == names.size()
        && names.stream().allMatch(n -> keepers.get(n).get(0).equals(holderNow(shardOf(n))))
        && names.stream().allMatch(n -> planned(keepers.get(n).get(0), n))
        && names.stream().allMatch(n -> world.cluster(n).calicoExcludesCloudNodes());
  }

  /**
   * Whether {@code identity}'s member of cluster {@code name} has planned. Not the HybridNetwork's Ready condition:
   * a member whose first plan came from a cache that had not synced within its sync timeout plans work, and when
   * the live re-check before the write finds none, the round ends without telling the status writer, which then
   * leaves Ready unset until the next round (the resync, 10 minutes by default); seen on a loaded machine.
   */
  private boolean planned(String identity, String name) {
    MemberTimes t = times.get(identity + " " + name);
    return t != null && t.planned != 0;
  }

  /** Cluster to the live replicas that keep a member of it now. */
  public Map<String, List<String>> keepers() {
    Map<String, List<String>> out = new TreeMap<>();
    for (Replica r : live()) {
      r.fleet.members().keySet().forEach(key -> out.computeIfAbsent(key.substring(key.indexOf('/') + 1),
          k -> new ArrayList<>()).add(r.identity));
    }
    return out;
  }

  private String holderNow(int shard) {
    for (Replica r : live()) {
      if (r.shards.held().contains(shard)) {
        return r.identity;
      }
    }
    return null;
  }

  /**
   * Kills the oldest live replica that keeps a cluster (a crash: nothing released), overwrites the calico-node affinity in a member whose
   * shard it held, and waits (at most {@code within}) until a survivor has repaired it.
   */
  public Kill killAndRepair(Duration within) throws InterruptedException {
    // The hash leaves some shards without a cluster: the victim is the oldest replica that keeps one.
    Replica victim = live().stream().filter(r -> names.stream().anyMatch(n -> r.shards.held().contains(shardOf(n))))
        .findFirst().orElseThrow(() -> new IllegalStateException("no replica keeps a cluster: " + describe()));
    Set<Integer> itsShards = victim.shards.held();
    String cluster = names.stream().filter(n -> itsShards.contains(shardOf(n))).findFirst().orElseThrow();
    int shard = shardOf(cluster);
    FleetWorld.MemberCluster member = world.cluster(cluster);

    long killedAt = System.nanoTime();
    victim.crashed = true;
    victim.shards.crash();
    victim.fleet.crash();
    victim.hub.close();
    long overwrittenAt = System.nanoTime();
    member.overwriteCalicoAffinity();

    await(within, "a survivor repairs " + cluster + "'s calico-node", member::calicoExcludesCloudNodes);
    ServerWrites.Write take = hubShardWrites(shard).stream()
        .filter(w -> w.nanos() > killedAt && holderIn(w) != null && !holderIn(w).equals(victim.identity))
        .findFirst().orElseThrow(() -> new IllegalStateException("no survivor took shard " + shard + " in the hub"));
    ServerWrites.Write repair = member.serverWrites.writes(w -> w.nanos() > overwrittenAt && w.succeeded()
            && w.agent().startsWith(AGENT_PREFIX) && w.path().endsWith("/daemonsets/" + FleetWorld.CALICO)
            && w.body().contains("alibabacloud.com/external")).stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("no replica's write restored " + cluster + "'s calico-node"));
    String taker = holderIn(take);
    List<Duration> every = new ArrayList<>();
    List<Duration> sinceRenewal = new ArrayList<>();
    for (int s : new java.util.TreeSet<>(itsShards)) {
      await(within, "a survivor takes shard " + s, () -> takenAfter(s, killedAt, victim.identity) > 0);
      long tookAt = takenAfter(s, killedAt, victim.identity);
      every.add(since(killedAt, tookAt));
      long renewed = hubShardWrites(s).stream().filter(w -> w.nanos() <= killedAt
          && victim.identity.equals(holderIn(w))).mapToLong(ServerWrites.Write::nanos).max().orElse(killedAt);
      sinceRenewal.add(since(renewed, tookAt));
    }
    MemberTimes t = times.get(taker + " " + cluster);
    return new Kill(victim.identity, cluster, shard, taker, since(killedAt, take.nanos()),
        repair.agent().substring(AGENT_PREFIX.length()), since(killedAt, repair.nanos()),
        t == null ? null : since(killedAt, t.built), t == null || t.synced == 0 ? null : since(killedAt, t.synced),
        t == null || t.planned == 0 ? null : since(killedAt, t.planned), List.copyOf(every),
        List.copyOf(sinceRenewal));
  }

  /** When the hub's store took the first write of shard {@code shard}'s Lease after {@code from} naming a holder
   * other than {@code victim}; 0 for none yet. */
  private long takenAfter(int shard, long from, String victim) {
    return hubShardWrites(shard).stream().filter(w -> w.nanos() > from && holderIn(w) != null
        && !holderIn(w).equals(victim)).mapToLong(ServerWrites.Write::nanos).findFirst().orElse(0);
  }

  /** Starts a new replica in place of the dead ones and waits until the replicas are steady again. */
  public Duration replace(Duration within) throws InterruptedException {
    while (live().size() < params.replicas()) {
      startReplica();
    }
    return awaitSteady(within);
  }

  private static Duration since(long from, long to) {
    return Duration.ofNanos(to - from);
  }

  /** The successful writes of shard {@code shard}'s Lease in the hub, in order. */
  private List<ServerWrites.Write> hubShardWrites(int shard) {
    String name = SHARD_PREFIX + shard;
    return world.hubWrites.writes(w -> w.succeeded() && w.path().startsWith(LEASES)
        && (w.name().equals(name) || w.method().equals("POST") && w.body().contains("\"" + name + "\"")));
  }

  /** The holder a shard Lease write left ({@code null}: none, a release or a delete). */
  private String holderIn(ServerWrites.Write w) {
    if (w.method().equals("DELETE")) {
      return null;
    }
    Lease lease = world.hub.getKubernetesSerialization().unmarshal(w.body(), Lease.class);
    if (lease == null) {
      throw new IllegalStateException("a shard Lease write without a Lease: " + w);
    }
    String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    return holder == null || holder.isEmpty() ? null : holder;
  }

  /** Shard to (time to the holder its Lease named from then on, {@code ""} for none), from the hub's record. */
  private Map<Integer, NavigableMap<Long, String>> holders() {
    Map<Integer, NavigableMap<Long, String>> out = new HashMap<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      NavigableMap<Long, String> line = new TreeMap<>();
      for (ServerWrites.Write w : hubShardWrites(shard)) {
        String holder = holderIn(w);
        line.put(w.nanos(), holder == null ? "" : holder);
      }
      out.put(shard, line);
    }
    return out;
  }

  /**
   * Every member write that reached a member's store from a replica that was not then the holder its shard's Lease
   * in the hub named, or from a client that is neither a replica's nor the test's; empty when every write was the
   * holder's.
   */
  public List<String> violations() {
    Map<Integer, NavigableMap<Long, String>> holders = holders();
    List<String> out = new ArrayList<>();
    for (String name : names) {
      int shard = shardOf(name);
      for (ServerWrites.Write w : world.cluster(name).serverWrites.writes()) {
        if (w.agent().equals(FleetWorld.TEST_AGENT)) {
          continue;
        }
        if (!w.agent().startsWith(AGENT_PREFIX)) {
          out.add(name + ": " + w.method() + " " + w.path() + " from an unknown client (" + w.agent() + ")");
          continue;
        }
        String writer = w.agent().substring(AGENT_PREFIX.length());
        Map.Entry<Long, String> at = holders.get(shard).floorEntry(w.nanos());
        String holder = at == null || at.getValue().isEmpty() ? "nobody" : at.getValue();
        if (!writer.equals(holder)) {
          Map.Entry<Long, String> before = at == null ? null : holders.get(shard).lowerEntry(at.getKey());
          String was = before == null || before.getValue().isEmpty() ? "nobody" : before.getValue();
          out.add(name + ": " + w.method() + " " + w.path() + " by " + writer + " while " + holder + " held shard "
              + shard + (at == null ? "" : " (since " + (w.nanos() - at.getKey()) / 1_000_000 + " ms, before that "
              + was + ")"));
        }
      }
    }
    return out;
  }

  /** How many member writes the replicas sent, in all. */
  public int replicaWrites() {
    return names.stream().mapToInt(n -> world.cluster(n).serverWrites.writes(w -> w.agent().startsWith(AGENT_PREFIX))
        .size()).sum();
  }

  /** Closed with the world: a fleet, ownership or client a test started apart from the replicas. */
  void closeLater(AutoCloseable c) {
    others.add(c);
  }

  private Duration await(Duration within, String what, BooleanSupplier condition)
      throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > within.toNanos()) {
        throw new AssertionError("not within " + within + ": " + what + "; now " + describe());
      }
      Thread.sleep(10);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** What the replicas hold and keep now, for a failure's message. */
  public String describe() {
    return live().stream().map(Replica::toString).collect(Collectors.joining(", ")) + "; keepers " + keepers()
        + "; not Ready " + names.stream().filter(n -> !world.conditionIs(n, "Ready", "True"))
        .map(n -> n + " " + memberState(n)).toList()
        + "; drifted " + names.stream().filter(n -> !world.cluster(n).calicoExcludesCloudNodes()).toList();
  }

  /** What the keepers' members of cluster {@code name} got to: built, synced, planned (ms ago). */
  private String memberState(String name) {
    long now = System.nanoTime();
    List<String> out = new ArrayList<>();
    times.forEach((key, t) -> {
      if (key.endsWith(" " + name)) {
        out.add(key.substring(0, key.indexOf(' ')) + " built " + (now - t.built) / 1_000_000 + " ms ago, synced "
            + (t.synced == 0 ? "never" : (now - t.synced) / 1_000_000 + " ms ago") + ", planned "
            + (t.planned == 0 ? "never" : (now - t.planned) / 1_000_000 + " ms ago"));
      }
    });
    return out.toString();
  }

  @Override
  public void close() {
    for (Replica r : replicas) {
      if (!r.crashed) {
        try {
          r.fleet.close();
        } catch (RuntimeException e) {
          System.err.println("closing " + r.identity + ": " + e);
        }
      }
      r.hub.close();
    }
    List<AutoCloseable> reversed = new ArrayList<>(others);
    java.util.Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
    world.close();
  }
}
