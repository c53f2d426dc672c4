package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.kube.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's shards as {@code coordination.k8s.io/v1} Leases, one per shard ({@code <prefix>-shard-<i>} in one
 * namespace, holder the replica's identity), judged the way client-go's {@code tools/leaderelection}
 * ({@code leaderelection.go}: {@code tryAcquireOrRenew}, {@code observedRecord}, {@code observedTime},
 * {@code release}) judges its one Lease, so that no clock skew between replicas matters:
 *
 * <ul>
 *   <li>A replica takes a shard another replica holds only once it has itself watched that Lease's record (holder,
 *       renewTime, leaseTransitions, leaseDurationSeconds, resourceVersion) stay unchanged for the record's
 *       {@code leaseDurationSeconds}, on its own monotonic {@link Ticker}. The {@code renewTime} written is for people
 *       and other tools and is never compared with the local wall clock (fabric8's {@code LeaderElector} does compare
 *       them, which is why it is not used: {@code Fabric8LeaderElectorSkewTest}).</li>
 *   <li>Every write carries the resourceVersion it was based on: a 409 means another replica moved first, and the
 *       next round's read shows who. A write whose answer was lost (5xx, timeout) counts only once a later read shows
 *       this replica as holder with the very renewTime that write carried.</li>
 *   <li>A held shard counts in {@link #held()} only while this replica renewed it within the renew deadline (shorter
 *       than the lease duration), measured from the moment the renewal was <em>sent</em>: a replica whose renewals
 *       fail drops the shard by its own clock before any other replica, which starts counting only once it
 *       <em>read</em> that renewal, can see the lease expire. {@link #held()} judges this on every call, so a stuck
 *       round cannot keep a shard alive.</li>
 * </ul>
 *
 * <p>Balance. client-go elects one leader among all candidates; a fleet wants the shards spread. Each replica also
 * renews a membership Lease ({@code <prefix>-member-<identity>}) and counts the live members: itself, and every member
 * Lease it has watched change within that Lease's duration by its own ticker (a Lease first seen counts as just
 * changed, as client-go's {@code observedTime} is set when a record is first seen). The fair share is
 * {@code ceil(shards / liveMembers)}; a replica takes free or expired shards only while it holds fewer, and releases
 * the shards above it (holder cleared and {@code leaseDurationSeconds} 1, as client-go's {@code release} under
 * {@code ReleaseOnCancel}), so a joining replica gets free shards to take within a round or two. Such a shard leaves
 * {@link #held()} at once but is released only once the owner's work for it has stopped ({@link #workingOn}), as
 * client-go's {@code ReleaseOnCancel} asks ("you must ensure all code guarded by this lease has successfully completed
 * prior to cancelling the context, or you may have two processes simultaneously acting on the critical path"): until
 * then the others can take it only once its lease has run out. A replica takes no
 * shard in its first round, so replicas started together see each other before anyone takes a share; one started
 * alone takes every shard and gives the surplus up as the others appear. Member Leases left by replicas that died are
 * deleted (with their resourceVersion as a precondition) once they have expired.
 *
 * <p>One daemon thread starts a round every {@code retryPeriod}, as client-go's renew loop does: one list of the
 * fleet's Leases (by label); then the releases, the takes and the renewal of the membership Lease; then the renewal of
 * every held shard; dead members' Leases are deleted in the background.
 * Each shard's Lease is its own object with its own resourceVersion precondition, so the writes of one step do not
 * depend on one another and go out together, at most {@link #WRITES_IN_FLIGHT} at once; each step waits for its
 * answers before the next. Takes come first, so that a dead replica's shards move as soon as they are seen expired
 * rather than after the renewals; the membership renewal goes before the shard renewals, so that no other replica can
 * see this one's shards renewed by a write later than its membership. The listener hears changes on a thread of its
 * own, so a slow listener cannot delay a renewal. {@link #close()} releases every held shard and deletes the
 * membership Lease, so the others take over at once.
 *
 * <p>Between the reads, the replica watches the same Leases ({@link #keepWatching}, from the last read's
 * resourceVersion): another replica's renewal is observed when its event arrives, not up to a round later at the
 * next read, and the loop wakes right at the expiry the last renewal seen sets, taking what it may then on the view
 * the reads and the watch built ({@link #takeExpired}), rather than at its next round. So a replica that dies without
 * {@link #close()} loses its shards to the others within the lease duration of its last renewal (and the time the
 * event and the take's write take on the wire). The reads stay: they are the resync of a watch that stalled without
 * ending, and when no watch opens (RBAC without {@code watch}, say) they alone keep the view, a dead replica's shards
 * then moving up to one round later. Neither the watch nor a read is trusted to be current: every take carries the
 * resourceVersion its view showed, and a 409 means another replica renewed or took the shard first.
 */
public final class LeaseShards implements ShardOwnership {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseShards.class);
  /** Labels every Lease of the fleet, so one list by label reads them all. */
  static final String FLEET_LABEL = "hybridcni.io/fleet";
  /** {@code shard} or {@code member}. */
  static final String ROLE_LABEL = "hybridcni.io/fleet-role";
  /**
   * The most Lease writes one replica has in flight at once. A round's writes are independent (one object each), so
   * they need not wait for one another; a replica holding many shards (one started alone holds them all) still sends
   * no more than this many together.
   */
  static final int WRITES_IN_FLIGHT = 8;
  /**
   * How many resourceVersions of each Lease are remembered to tell a read older than the watch: more than the
   * renewals that can happen while one read is answered.
   */
  private static final int KEPT_VERSIONS = 16;
  /**
   * How long opening a watch may take before it counts as refused: fabric8's {@code watch()} waits for the WebSocket
   * without a bound (see the kube-adapter's {@code DaemonSetWatch}); it is opened off the loop's thread, so no round
   * waits for it.
   */
  static final Duration WATCH_OPEN_WITHIN = Duration.ofSeconds(10);
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final KubernetesClient client;
  private final String namespace;
  private final String prefix;
  private final String identity;
  private final int shards;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final Clock clock;
  private final Ticker ticker;
  private final Sleeper sleeper;

  /** Shard to the ticker reading when its last successful renewal (or take) by this replica was sent. */
  private final Map<Integer, Long> renewedAt = new ConcurrentHashMap<>();
  /** Shard to the Lease as this replica last wrote it: the base of the next renewal when a round's read failed. */
  private final Map<Integer, Lease> written = new ConcurrentHashMap<>();
  /** Shard to a take or renewal whose answer was lost: it counts once a read shows it happened. */
  private final Map<Integer, Pending> pending = new HashMap<>();
  /**
   * Shards given up for balance (out of {@link #held()}, no longer renewed) whose release waits until this replica's
   * work for them has stopped ({@link #workingOn}).
   */
  private final Set<Integer> releasing = new HashSet<>();
  private volatile Supplier<Set<Integer>> working = Set::of;
  /**
   * Lease name to its record as last seen (by a read or through the watch), and since when (ticker) this replica has
   * seen it unchanged. Changed under its own lock, by the loop (a read) and by the watch's thread (an event).
   */
  private final Map<String, Observed> observed = new ConcurrentHashMap<>();
  /**
   * Lease name to the resourceVersions of it this replica saw lately, newest last (under {@link #observed}'s lock): a
   * read answered with a version the watch already showed replaced is older than what this replica knows, and must
   * neither bring the older record back nor restart the Lease's observed time.
   */
  private final Map<String, Deque<String>> seenVersions = new HashMap<>();
  /** Whether the fleet's Leases are watched between reads ({@link Builder#watch}). */
  private final boolean watchLeases;
  /** Guards the watch's state below. */
  private final Object watchLock = new Object();
  /** The open watch of the fleet's Leases ({@code null}: none; the rounds' reads alone keep the view). */
  private Watch watch;
  /** Counts the watches asked for: events and ends of a watch that is no longer the current one are ignored. */
  private int watchGeneration;
  /** A watch is being opened, since this ticker reading. */
  private boolean watchOpening;
  private long watchOpeningSince;
  /**
   * The watch being opened ended before {@code watch()} returned: fabric8 8 calls {@code onClose()} on a watch the
   * server refused (a 403) and then throws from {@code watch()}, and a watch the server ends right after it opened
   * (a 410 Expired) may end before {@code watch()} returns it.
   */
  private boolean watchEndedWhileOpening;
  /** No watch is opened before this ticker reading (after a refusal), unless {@code watchRetryNow}. */
  private long watchRetryAt;
  private boolean watchRetryNow = true;
  private boolean watchRefusalLogged;
  /** The resourceVersion of the last successful list: a new watch starts from it, missing nothing after that read. */
  private volatile String listVersion;
  private Lease member;
  private volatile boolean closed;
  /** Set by {@link #crash()}: nothing is sent any more, not even the rest of a round under way. */
  private volatile boolean crashed;
  private Set<Integer> announced = Set.of();
  private Runnable onChange = () -> { };
  private Thread loop;
  /** Runs the listener, so that a slow one never delays a renewal past the renew deadline. */
  private ExecutorService listener;
  /** Sends a round's writes, {@link #WRITES_IN_FLIGHT} at most at once; its threads end when idle. */
  private final ThreadPoolExecutor writer;
  /** Lease names with a write sent in the background ({@link #sendInBackground}) and not answered yet. */
  private final Set<String> background = ConcurrentHashMap.newKeySet();
  private int rounds;
  /**
   * The ticker reading at which the last round judged which Leases had expired ({@link Long#MIN_VALUE}: none yet);
   * a Lease that expired after it gets a round at once.
   */
  private long judgedAt = Long.MIN_VALUE;
  /** Whether the last round's read succeeded: {@link #takeExpired} judges only a view that a recent read confirmed. */
  private volatile boolean readOk;

  private LeaseShards(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.prefix = b.prefix;
    this.identity = b.identity;
    this.shards = b.shards;
    this.leaseDuration = b.leaseDuration;
    this.renewDeadline = b.renewDeadline != null ? b.renewDeadline : b.leaseDuration.multipliedBy(2).dividedBy(3);
    this.retryPeriod = b.retryPeriod != null ? b.retryPeriod : b.leaseDuration.dividedBy(7);
    this.clock = b.clock;
    this.ticker = b.ticker;
    this.sleeper = b.sleeper;
    this.watchLeases = b.watch;
    AtomicInteger threads = new AtomicInteger();
    this.writer = new ThreadPoolExecutor(WRITES_IN_FLIGHT, WRITES_IN_FLIGHT, 10, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "hybridcni-shards-" + b.identity + "-writes-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    writer.allowCoreThreadTimeOut(true);
    if (renewDeadline.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException("the renew deadline (" + renewDeadline + ") must be shorter than the lease "
          + "duration (" + leaseDuration + "), or a replica could still write after another took its shard over");
    }
    if (retryPeriod.isZero() || retryPeriod.isNegative() || retryPeriod.compareTo(renewDeadline) >= 0) {
      throw new IllegalArgumentException("the retry period (" + retryPeriod + ") must be positive and shorter than "
          + "the renew deadline (" + renewDeadline + ")");
    }
    for (String name : List.of(shardLease(shards - 1), memberLease())) {
      if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
        throw new IllegalArgumentException("the Lease name " + name + " (from prefix " + prefix + " and identity "
            + identity + ") must be a DNS subdomain: lower-case letters, digits, '-' and '.', at most 253 characters");
      }
    }
  }

  /**
   * Whether {@code identity} can name this replica's member Lease with the default prefix: a DNS subdomain short
   * enough for {@code hybridcni-fleet-member-<identity>}. Lets a command refuse a bad identity before it connects.
   */
  public static boolean isIdentity(String identity) {
    String name = "hybridcni-fleet-member-" + identity;
    return identity != null && !identity.isEmpty() && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  /** A builder for the shards of replica {@code identity} (e.g. its pod name) on {@code client}'s cluster. */
  public static Builder builder(KubernetesClient client, String identity) {
    return new Builder(client, identity);
  }

  String shardLease(int shard) {
    return prefix + "-shard-" + shard;
  }

  String memberLease() {
    return prefix + "-member-" + identity;
  }

  @Override
  public int shards() {
    return shards;
  }

  @Override
  public Set<Integer> held() {
    if (closed) {
      return Set.of();
    }
    long now = ticker.nanos();
    SortedSet<Integer> held = new TreeSet<>();
    renewedAt.forEach((shard, at) -> {
      if (now - at < renewDeadline.toNanos()) {
        held.add(shard);
      }
    });
    return Collections.unmodifiableSortedSet(held);
  }

  @Override
  public void workingOn(Supplier<Set<Integer>> shards) {
    this.working = Objects.requireNonNull(shards, "shards");
  }

  @Override
  public synchronized void start(Runnable onChange) {
    if (loop != null) {
      throw new IllegalStateException("the shards of " + identity + " were started already");
    }
    if (closed) {
      throw new IllegalStateException("the shards of " + identity + " were closed");
    }
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    listener = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "hybridcni-shards-" + identity + "-changes");
      t.setDaemon(true);
      return t;
    });
    loop = new Thread(this::run, "hybridcni-shards-" + identity);
    loop.setDaemon(true);
    loop.start();
  }

  private void run() {
    long started = ticker.nanos();
    boolean atExpiry = false;
    while (!closed) {
      try {
        if (atExpiry) {
          takeExpired();
        } else {
          started = ticker.nanos();
          round();
          keepWatching();
        }
      } catch (RuntimeException e) {
        // A failure of the round's bookkeeping, not of the API (those are handled per call): the next round starts
        // afresh from a new read, and held() keeps judging the renew deadline meanwhile.
        LOG.warn("A round of the shard Leases of {} failed; trying again in {}", identity, retryPeriod, e);
      }
      announce();
      long now = ticker.nanos();
      long regular = Math.max(0, started + retryPeriod.toNanos() - now);
      long expiry = untilExpiry(now);
      atExpiry = expiry < regular;
      try {
        sleeper.sleep(Duration.ofNanos(Math.min(regular, expiry)).plusMillis(1));
      } catch (InterruptedException e) {
        // Only close() interrupts: it releases on its own thread once this one has ended.
        return;
      }
    }
  }

  /**
   * The time from {@code now} until a Lease another replica holds will have been watched unchanged for its duration
   * ({@link Long#MAX_VALUE}: none). The loop then acts right at that expiry ({@link #takeExpired}) rather than at its
   * next round, so a dead replica's shards move within the lease duration of its last renewal as the watch showed it
   * (plus the one round a read may take to first show it, without a watch), instead of plus another round. A Lease
   * that expired after the last judgement of expiry (during a round's writes, say) counts at once; one that was
   * already judged expired (and left, the fair share being held) does not.
   * Leases renewed every round never come that close to expiry, so a fleet at rest does nothing extra.
   */
  long untilExpiry(long now) {
    long next = Long.MAX_VALUE;
    for (Observed seen : observed.values()) {
      if (seen.record().free() || identity.equals(seen.record().holder())) {
        continue;
      }
      Integer seconds = seen.record().leaseDurationSeconds();
      Duration duration = seconds == null || seconds <= 0 ? leaseDuration : Duration.ofSeconds(seconds);
      long expiry = seen.since() + duration.toNanos();
      if (expiry - judgedAt > 0) {
        next = Math.min(next, Math.max(0, expiry - now));
      }
    }
    return next;
  }

  /**
   * At a watched Lease's expiry, between rounds: takes what the fair share allows, judged on the last round's read
   * without reading again, which saves a dead replica's shards the time of one list. That is as safe as reading
   * first: each take carries the resourceVersion the last read showed, so the API server writes it only if the Lease
   * is still unchanged since this replica saw it, i.e. watched unchanged for its whole duration by now; a Lease that
   * changed since (its holder renewed it) answers 409 and the next round's read shows who holds it. Releases,
   * renewals and deletions are left to the rounds; nothing happens before this replica's first round that could act.
   */
  void takeExpired() {
    long judged = ticker.nanos();
    judgedAt = judged;
    if (!readOk || rounds < 2 || closed) {
      return;
    }
    Map<String, Lease> leases = view();
    dropExpired();
    int fair = fairShare(leases, judged);
    if (renewedAt.size() >= fair) {
      return;
    }
    List<Integer> candidates = new ArrayList<>(takeable(leases, judged));
    Set<Integer> taken = new HashSet<>();
    while (!closed && renewedAt.size() < fair && !candidates.isEmpty()) {
      sendAll(takes(candidates, fair - renewedAt.size(), leases, taken));
    }
  }

  /**
   * Opens the watch of the fleet's Leases when none is open or being opened (after a round, from that round's read):
   * {@code GET ...leases?labelSelector=hybridcni.io/fleet=<prefix>&watch=true&resourceVersion=<the read's>}, so the
   * server sends every change after the read and none is missed in between. Opened on a thread of its own; a watch
   * that is refused (a 403 where RBAC grants no {@code watch}, say) or does not open within
   * {@link #WATCH_OPEN_WITHIN} is tried again a lease duration later, and meanwhile the rounds' reads alone keep the
   * view, as before there was a watch. A watch that ended (a 410 Gone, fabric8 giving up reconnecting) is opened
   * again after the next round, from its fresh read: client-go's reflector relists and rewatches the same way.
   */
  void keepWatching() {
    if (!watchLeases || closed) {
      return;
    }
    long now = ticker.nanos();
    int generation;
    String from;
    synchronized (watchLock) {
      if (watch != null) {
        return;
      }
      if (watchOpening) {
        if (now - watchOpeningSince < WATCH_OPEN_WITHIN.toNanos()) {
          return;
        }
        // It never opened: counted as refused, and closed should it open after all (its generation is past).
        watchGeneration++;
        watchOpening = false;
        refused(now, "it did not open within " + WATCH_OPEN_WITHIN.toSeconds() + " s");
        return;
      }
      if (!watchRetryNow && now - watchRetryAt < 0) {
        return;
      }
      watchOpening = true;
      watchEndedWhileOpening = false;
      watchOpeningSince = now;
      generation = ++watchGeneration;
      from = listVersion;
    }
    Thread t = new Thread(() -> openWatch(generation, from), "hybridcni-shards-" + identity + "-watch");
    t.setDaemon(true);
    t.start();
  }

  private void openWatch(int generation, String from) {
    Watch opened;
    try {
      opened = client.leases().inNamespace(namespace).withLabel(FLEET_LABEL, prefix)
          .watch(from, new LeaseWatcher(generation));
    } catch (RuntimeException e) {
      synchronized (watchLock) {
        if (generation == watchGeneration && watchOpening) {
          watchOpening = false;
          if (e instanceof KubernetesClientException k && k.getCode() == 410) {
            // The read's version is already too old for the server's watch cache: the next round reads afresh.
            watchRetryNow = true;
          } else {
            refused(ticker.nanos(), e instanceof KubernetesClientException k && k.getCode() == 403
                ? "HTTP 403: a Role in namespace " + namespace + " needs the verb watch on "
                    + "leases.coordination.k8s.io (deploy/fleet's hybridcni-fleet-leases)"
                : describe(e));
          }
        }
      }
      return;
    }
    synchronized (watchLock) {
      if (generation == watchGeneration && watchOpening && watchEndedWhileOpening) {
        // Opened and ended already: watched again from the next round's read.
        watchOpening = false;
        watchRetryNow = true;
      } else if (generation == watchGeneration && watchOpening && !closed) {
        watch = opened;
        watchOpening = false;
        watchRefusalLogged = false;
        LOG.debug("{} watches the fleet's Leases in {} from resourceVersion {}", identity, namespace, from);
        return;
      }
    }
    opened.close();
  }

  /** No watch now (under {@link #watchLock}): tried again a lease duration from {@code now}; logged once in a row. */
  private void refused(long now, String why) {
    watchRetryNow = false;
    watchRetryAt = now + leaseDuration.toNanos();
    if (!watchRefusalLogged) {
      watchRefusalLogged = true;
      LOG.warn("{} could not watch the fleet's Leases in {} ({}); it reads them every {} ms instead, and a dead "
          + "replica's shards move up to that much later", identity, namespace, why, retryPeriod.toMillis());
    } else {
      LOG.debug("{} still could not watch the fleet's Leases in {} ({})", identity, namespace, why);
    }
  }

  /** Closes the watch, if any; whatever it still sends is ignored. */
  private void closeWatch() {
    Watch w;
    synchronized (watchLock) {
      watchGeneration++;
      watchOpening = false;
      w = watch;
      watch = null;
    }
    if (w != null) {
      w.close();
    }
  }

  /** Whether a watch of the fleet's Leases is open now. */
  boolean watching() {
    synchronized (watchLock) {
      return watch != null;
    }
  }

  /** Whether a watch of the fleet's Leases is open or being opened now. */
  boolean watchPending() {
    synchronized (watchLock) {
      return watch != null || watchOpening;
    }
  }

  /**
   * Hears one watch's events on fabric8's thread: a Lease added or modified is seen at the event's arrival (client-go's
   * {@code observedTime} is when the record was observed; an event is observed sooner than the next read), a deleted
   * one is gone. A BOOKMARK carries no Lease change (fabric8 keeps its version for reconnecting; the fabric8 mock
   * sends none), and fabric8 turns an ERROR 410 into {@link #onClose(WatcherException)}.
   */
  private final class LeaseWatcher implements Watcher<Lease> {
    private final int generation;

    LeaseWatcher(int generation) {
      this.generation = generation;
    }

    private boolean current() {
      synchronized (watchLock) {
        return generation == watchGeneration;
      }
    }

    @Override
    public void eventReceived(Action action, Lease lease) {
      long now = ticker.nanos();
      if (lease == null || lease.getMetadata() == null || lease.getMetadata().getName() == null || !current()) {
        return;
      }
      synchronized (observed) {
        switch (action) {
          case ADDED, MODIFIED -> see(lease, now);
          case DELETED -> {
            String name = lease.getMetadata().getName();
            observed.remove(name);
            String version = lease.getMetadata().getResourceVersion();
            if (version != null) {
              seenVersions.computeIfAbsent(name, n -> new ArrayDeque<>()).addLast(version);
            }
          }
          default -> { }
        }
      }
    }

    @Override
    public void onClose() {
      ended(null);
    }

    @Override
    public void onClose(WatcherException cause) {
      ended(cause);
    }

    private void ended(WatcherException cause) {
      synchronized (watchLock) {
        if (generation != watchGeneration) {
          return;
        }
        if (watch == null) {
          // Still being opened: what watch() does next (throws, or answers this ended watch) decides.
          watchEndedWhileOpening = true;
          return;
        }
        watch = null;
        watchRetryNow = true;
      }
      LOG.info("{}'s watch of the fleet's Leases ended ({}); it watches again from its next read", identity,
          cause == null ? "closed" : cause.isHttpGone() ? "410 Gone: its resourceVersion is too old"
              : cause.getMessage());
    }
  }

  /** Tells the listener, on its own thread, when {@link #held()} changed since it last heard. */
  private void announce() {
    Set<Integer> now = held();
    synchronized (this) {
      if (now.equals(announced) || listener == null) {
        return;
      }
      announced = now;
      listener.execute(() -> {
        try {
          onChange.run();
        } catch (RuntimeException e) {
          LOG.warn("The listener of the shards of {} failed on a change to {}", identity, now, e);
        }
      });
    }
  }

  /** The parts of a Lease whose change shows that its holder is alive (client-go compares the whole record). */
  private record Record(String holder, Instant renewTime, Integer leaseTransitions, Integer leaseDurationSeconds,
      String resourceVersion) {

    static Record of(Lease lease) {
      LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
      return new Record(spec.getHolderIdentity(), spec.getRenewTime() == null ? null : spec.getRenewTime().toInstant(),
          spec.getLeaseTransitions(), spec.getLeaseDurationSeconds(), lease.getMetadata().getResourceVersion());
    }

    boolean free() {
      return holder == null || holder.isEmpty();
    }
  }

  /** A Lease as last seen, its record, and the ticker reading since which this replica has seen it unchanged. */
  private record Observed(Record record, long since, Lease lease) {}

  /** A write whose answer was lost: it happened if a read shows this holder with {@code renewTime}. */
  private record Pending(Instant renewTime, long sentAt) {}

  private enum Outcome { WRITTEN, CONFLICT, UNKNOWN }

  private record Write(Outcome outcome, Lease lease) {}

  /**
   * One write of a round: {@code verb} and {@code name} for the log, the request, and what to make of its outcome,
   * applied on the round's own thread once the step's answers are in.
   */
  private record Call(String verb, String name, Supplier<Lease> request, Consumer<Sent> then) {}

  /** A write's outcome, and the ticker reading just before it was sent (a renewal counts from then). */
  private record Sent(Write write, long sentAt) {}

  void round() {
    long sentAt = ticker.nanos();
    Map<String, Lease> read = list();
    // From when the read came back, as client-go's observedTime: whatever renewal it shows was sent before then.
    long now = ticker.nanos();
    // What the round judges: the read, brought together with what the watch showed meanwhile.
    Map<String, Lease> leases = read == null ? null : observe(read, sentAt, now);
    readOk = leases != null;
    if (leases != null) {
      settle(leases);
    }
    dropExpired();
    boolean acting = leases != null && rounds++ > 0;
    List<Call> first = new ArrayList<>();
    Set<Integer> taken = new HashSet<>();
    List<Integer> candidates = new ArrayList<>();
    int fair = 0;
    if (acting) {
      long judged = ticker.nanos();
      judgedAt = judged;
      fair = fairShare(leases, judged);
      dropAbove(fair);
      first.addAll(dueReleases(leases));
      candidates.addAll(takeable(leases, judged));
      // Before the renewals: a dead replica's shard is taken as soon as the round that sees it expired starts, not
      // after the renewals; what this replica holds was renewed a round ago, far inside the deadline.
      first.addAll(takes(candidates, fair - renewedAt.size(), leases, taken));
    }
    first.add(memberRenewal(leases));
    sendAll(first);
    // A take that lost a race leaves room for the next candidate, as a take one after another would.
    while (acting && !closed && renewedAt.size() < fair && !candidates.isEmpty()) {
      sendAll(takes(candidates, fair - renewedAt.size(), leases, taken));
    }
    if (!taken.isEmpty()) {
      // The owner starts on a taken shard's clusters now, not after this round's renewals.
      announce();
    }
    if (closed) {
      return;
    }
    sendAll(shardRenewals(leases, taken));
    if (acting) {
      sendInBackground(deadMemberDeletes(leases));
    }
  }

  /**
   * Sends {@code calls} on the writer without waiting for their answers, each unless one for the same Lease is still
   * under way; each outcome is applied on the writer's thread. For housekeeping whose outcome the round does not need:
   * a dead member's Lease delete once took 1.5 s on the mock under load, and a round waiting for it took a dead
   * replica's shards that much late.
   */
  private void sendInBackground(List<Call> calls) {
    for (Call call : calls) {
      if (!background.add(call.name())) {
        continue;
      }
      try {
        writer.execute(() -> {
          try {
            call.then().accept(new Sent(write(call.verb(), call.name(), call.request()), ticker.nanos()));
          } finally {
            background.remove(call.name());
          }
        });
      } catch (RejectedExecutionException e) {
        // Only after a crash or close: the writer is shut down and nothing more is sent.
        background.remove(call.name());
      }
    }
  }

  /**
   * Sends {@code calls} together on the writer, at most {@link #WRITES_IN_FLIGHT} in flight, waits for every answer,
   * then applies each outcome on this thread in the order of {@code calls}. Interrupted by {@link #close()}, it still
   * waits, so the release that follows reads the Leases after these writes; by {@link #crash()}, it stops waiting and
   * counts what had no answer yet as unknown (the replica is dead and writes nothing more).
   */
  private void sendAll(List<Call> calls) {
    if (calls.isEmpty()) {
      return;
    }
    List<Future<Sent>> futures = new ArrayList<>();
    for (Call call : calls) {
      try {
        futures.add(writer.submit(() -> {
          long sentAt = ticker.nanos();
          return new Sent(write(call.verb(), call.name(), call.request()), sentAt);
        }));
      } catch (RejectedExecutionException e) {
        // Only after a crash: the writer is shut down and nothing more is sent.
        futures.add(CompletableFuture.completedFuture(new Sent(new Write(Outcome.UNKNOWN, null), ticker.nanos())));
      }
    }
    boolean interrupted = false;
    for (int i = 0; i < calls.size(); i++) {
      Future<Sent> future = futures.get(i);
      Sent sent = null;
      while (sent == null) {
        if (interrupted && crashed) {
          future.cancel(true);
          sent = new Sent(new Write(Outcome.UNKNOWN, null), ticker.nanos());
          break;
        }
        try {
          sent = future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | CancellationException e) {
          LOG.warn("A write of Lease {} by {} failed unexpectedly", calls.get(i).name(), identity, e);
          sent = new Sent(new Write(Outcome.UNKNOWN, null), ticker.nanos());
        }
      }
      calls.get(i).then().accept(sent);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The fleet's Leases by name, or {@code null} when they could not be read (the round then only renews). */
  private Map<String, Lease> list() {
    try {
      Map<String, Lease> byName = new HashMap<>();
      LeaseList list = client.leases().inNamespace(namespace).withLabel(FLEET_LABEL, prefix).list();
      for (Lease lease : list.getItems()) {
        byName.put(lease.getMetadata().getName(), lease);
      }
      listVersion = list.getMetadata() == null ? null : list.getMetadata().getResourceVersion();
      return byName;
    } catch (RuntimeException e) {
      LOG.warn("Could not list the shard Leases in {} for {} ({}); renewing from what it last wrote", namespace,
          identity, describe(e));
      return null;
    }
  }

  /**
   * Brings a read sent at {@code sentAt} and answered at {@code now} into what this replica has seen, and answers the
   * Leases as it now knows them. A Lease changed since it was last seen is observed from {@code now}; one the read
   * shows in a version this replica saw already (a read the server answered before an event the watch brought first)
   * changes nothing. A Lease the read lacks is gone, unless the watch first showed it after the read was sent.
   */
  private Map<String, Lease> observe(Map<String, Lease> read, long sentAt, long now) {
    synchronized (observed) {
      for (Map.Entry<String, Observed> e : List.copyOf(observed.entrySet())) {
        if (!read.containsKey(e.getKey()) && e.getValue().since() - sentAt <= 0) {
          observed.remove(e.getKey());
        }
      }
      seenVersions.keySet().removeIf(name -> !read.containsKey(name) && !observed.containsKey(name));
      read.values().forEach(lease -> see(lease, now));
      return view();
    }
  }

  /**
   * Takes {@code lease} as seen at {@code now} (under {@link #observed}'s lock): observed from then when it is a
   * version this replica has not seen; nothing changes when it has (the current one, or one already replaced).
   * resourceVersions are compared for equality only, as the API asks ("opaque"); a Lease's versions are never reused.
   */
  private void see(Lease lease, long now) {
    String name = lease.getMetadata().getName();
    String version = lease.getMetadata().getResourceVersion();
    Record record = Record.of(lease);
    Observed seen = observed.get(name);
    Deque<String> versions = seenVersions.computeIfAbsent(name, n -> new ArrayDeque<>());
    if ((version != null && versions.contains(version)) || (seen != null && seen.record().equals(record))) {
      return;
    }
    observed.put(name, new Observed(record, now, lease));
    if (version != null) {
      versions.addLast(version);
      while (versions.size() > KEPT_VERSIONS) {
        versions.removeFirst();
      }
    }
  }

  /** The Leases as this replica knows them now, by name. */
  private Map<String, Lease> view() {
    Map<String, Lease> byName = new HashMap<>();
    observed.forEach((name, seen) -> byName.put(name, seen.lease()));
    return byName;
  }

  /**
   * Brings this replica's view of its shards in line with what was read: a shard another replica now holds (or whose
   * Lease is gone) is dropped at once; a write whose answer was lost counts if the read shows it.
   */
  private void settle(Map<String, Lease> leases) {
    for (int shard = 0; shard < shards; shard++) {
      Lease lease = leases.get(shardLease(shard));
      Pending lost = pending.remove(shard);
      if (lost != null && lease != null && ours(lease) && lost.renewTime().equals(Record.of(lease).renewTime())) {
        LOG.info("The answer to a write of {} was lost, but a read shows that it happened", shardLease(shard));
        renewedAt.put(shard, lost.sentAt());
      }
      if (renewedAt.containsKey(shard)) {
        if (lease == null || !ours(lease)) {
          drop(shard, lease == null ? "its Lease was deleted"
              : "it is now held by " + holderOf(lease));
        } else {
          written.put(shard, lease);
        }
      }
    }
  }

  private boolean ours(Lease lease) {
    return identity.equals(holderOf(lease));
  }

  private static String holderOf(Lease lease) {
    return lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Drops every shard not renewed within the renew deadline: past it, this replica never writes that shard again. */
  private void dropExpired() {
    long now = ticker.nanos();
    for (Map.Entry<Integer, Long> e : Map.copyOf(renewedAt).entrySet()) {
      long since = now - e.getValue();
      if (since >= renewDeadline.toNanos()) {
        drop(e.getKey(), "it was not renewed within the renew deadline of " + renewDeadline.toMillis() + " ms (last "
            + "renewed " + Duration.ofNanos(since).toMillis() + " ms ago by this replica's clock)");
      }
    }
  }

  private void drop(int shard, String why) {
    if (renewedAt.remove(shard) != null) {
      LOG.warn("{} no longer holds shard {}: {}", identity, shard, why);
    }
    written.remove(shard);
  }

  private Call memberRenewal(Map<String, Lease> leases) {
    Lease base = leases != null ? leases.get(memberLease()) : member;
    Instant at = wallNow();
    if (base == null) {
      Lease fresh = fresh(memberLease(), "member", at);
      return new Call("create", memberLease(), () -> client.leases().inNamespace(namespace).resource(fresh).create(),
          sent -> member = sent.write().lease());
    }
    Lease next = new LeaseBuilder(base).editOrNewSpec().withHolderIdentity(identity)
        .withLeaseDurationSeconds(leaseSeconds()).withRenewTime(micro(at)).endSpec().build();
    return new Call("renew", memberLease(), () -> client.leases().inNamespace(namespace).resource(next).update(),
        sent -> member = sent.write().lease());
  }

  /** The renewals of every held shard but those {@code taken} in this round (their Lease was just written). */
  private List<Call> shardRenewals(Map<String, Lease> leases, Set<Integer> taken) {
    List<Call> calls = new ArrayList<>();
    for (int shard : new TreeSet<>(renewedAt.keySet())) {
      if (taken.contains(shard)) {
        continue;
      }
      Lease base = leases != null ? leases.get(shardLease(shard)) : written.get(shard);
      if (base == null) {
        continue;
      }
      Instant at = wallNow();
      Lease next = new LeaseBuilder(base).editOrNewSpec().withRenewTime(micro(at))
          .withLeaseDurationSeconds(leaseSeconds()).endSpec().build();
      calls.add(new Call("renew", shardLease(shard),
          () -> client.leases().inNamespace(namespace).resource(next).update(), sent -> {
            switch (sent.write().outcome()) {
              case WRITTEN -> {
                renewedAt.put(shard, sent.sentAt());
                written.put(shard, sent.write().lease());
              }
              // Someone else wrote it since the read: the next read shows whether it is still ours.
              case CONFLICT -> written.remove(shard);
              case UNKNOWN -> pending.put(shard, new Pending(at, sent.sentAt()));
              default -> throw new IllegalStateException(sent.write().outcome().name());
            }
          }));
    }
    return calls;
  }

  /** {@code ceil(shards / live members)}, this replica counted as live whatever its member Lease shows. */
  private int fairShare(Map<String, Lease> leases, long now) {
    int live = 1;
    String members = prefix + "-member-";
    for (Map.Entry<String, Lease> e : leases.entrySet()) {
      if (e.getKey().startsWith(members) && !e.getKey().equals(memberLease()) && !expired(e.getKey(), now)
          && !Record.of(e.getValue()).free()) {
        live++;
      }
    }
    return (shards + live - 1) / live;
  }

  /** Whether this replica has watched the Lease unchanged for its {@code leaseDurationSeconds}. */
  private boolean expired(String name, long now) {
    Observed seen = observed.get(name);
    if (seen == null) {
      return false;
    }
    Integer seconds = seen.record().leaseDurationSeconds();
    Duration duration = seconds == null || seconds <= 0 ? leaseDuration : Duration.ofSeconds(seconds);
    return now - seen.since() >= duration.toNanos();
  }

  /**
   * Gives the shards above {@code fair} up: out of {@link #held()} at once, so this replica never acts on them after
   * another may have taken them, and released once their work has stopped ({@link #dueReleases}).
   */
  private void dropAbove(int fair) {
    List<Integer> held = new ArrayList<>(new TreeSet<>(renewedAt.keySet()));
    while (held.size() > fair) {
      int shard = held.remove(held.size() - 1);
      drop(shard, "it holds more than its fair share of " + fair + " shards");
      releasing.add(shard);
    }
  }

  /**
   * The releases of the shards given up for balance whose work has stopped, based on this round's read. One the read
   * no longer shows as this replica's (another took it once its lease ran out) needs none.
   */
  private List<Call> dueReleases(Map<String, Lease> leases) {
    if (releasing.isEmpty()) {
      return List.of();
    }
    Set<Integer> busy;
    try {
      busy = working.get();
    } catch (RuntimeException e) {
      LOG.warn("Could not tell which shards {} still works on; releasing none this round", identity, e);
      return List.of();
    }
    List<Call> calls = new ArrayList<>();
    for (int shard : new TreeSet<>(releasing)) {
      Lease lease = leases.get(shardLease(shard));
      if (lease == null || !ours(lease)) {
        releasing.remove(shard);
      } else if (!busy.contains(shard)) {
        releasing.remove(shard);
        calls.add(release(shard, lease));
      } else {
        LOG.debug("{} releases shard {} once its work there has stopped", identity, shard);
      }
    }
    return calls;
  }

  /** Clears the holder as client-go's {@code release} does, so another replica takes the shard without waiting. */
  private Call release(int shard, Lease base) {
    Instant at = wallNow();
    Lease next = new LeaseBuilder(base).editOrNewSpec().withHolderIdentity("").withLeaseDurationSeconds(1)
        .withAcquireTime(micro(at)).withRenewTime(micro(at)).endSpec().build();
    return new Call("release", shardLease(shard), () -> client.leases().inNamespace(namespace).resource(next).update(),
        sent -> {
          if (sent.write().outcome() == Outcome.WRITTEN) {
            LOG.info("{} released shard {}", identity, shard);
          } else {
            LOG.warn("{} could not release shard {}; the others take it once its lease of {} s runs out", identity,
                shard, leaseSeconds());
          }
        });
  }

  /**
   * The shards this replica may take, in the order it tries them: neither held nor awaiting a lost answer, and free,
   * missing, naming this replica already, or watched unchanged for their lease duration by {@code now}.
   */
  private List<Integer> takeable(Map<String, Lease> leases, long now) {
    List<Integer> takeable = new ArrayList<>();
    // Each replica looks at the shards from its own starting point, so replicas taking at once seldom meet.
    int start = ShardOwnership.shardOf(namespace, identity, shards);
    for (int i = 0; i < shards; i++) {
      int shard = (start + i) % shards;
      if (renewedAt.containsKey(shard) || pending.containsKey(shard) || releasing.contains(shard)) {
        continue;
      }
      String name = shardLease(shard);
      Lease lease = leases.get(name);
      if (lease != null) {
        Record record = Record.of(lease);
        if (!record.free() && !identity.equals(record.holder()) && !expired(name, now)) {
          continue;
        }
      }
      takeable.add(shard);
    }
    return takeable;
  }

  /**
   * The takes of up to {@code wanted} shards off the front of {@code candidates} (which loses them); each one that is
   * written joins {@code taken}.
   */
  private List<Call> takes(List<Integer> candidates, int wanted, Map<String, Lease> leases, Set<Integer> taken) {
    List<Call> calls = new ArrayList<>();
    while (calls.size() < wanted && !candidates.isEmpty()) {
      int shard = candidates.remove(0);
      String name = shardLease(shard);
      Lease lease = leases.get(name);
      Instant at = wallNow();
      Supplier<Lease> request;
      String verb;
      if (lease == null) {
        Lease fresh = fresh(name, "shard", at);
        verb = "create";
        request = () -> client.leases().inNamespace(namespace).resource(fresh).create();
      } else {
        Record record = Record.of(lease);
        boolean same = identity.equals(record.holder());
        if (!record.free() && !same) {
          LOG.warn("{} takes shard {} over from {}: it watched the Lease unchanged for its lease duration", identity,
              shard, record.holder());
        }
        LeaseSpec spec = lease.getSpec();
        int transitions = spec == null || spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
        Lease next = new LeaseBuilder(lease).editOrNewSpec().withHolderIdentity(identity)
            .withLeaseDurationSeconds(leaseSeconds()).withAcquireTime(micro(at)).withRenewTime(micro(at))
            .withLeaseTransitions(same ? transitions : transitions + 1).endSpec().build();
        verb = "take";
        request = () -> client.leases().inNamespace(namespace).resource(next).update();
      }
      calls.add(new Call(verb, name, request, sent -> {
        switch (sent.write().outcome()) {
          case WRITTEN -> {
            written.put(shard, sent.write().lease());
            renewedAt.put(shard, sent.sentAt());
            taken.add(shard);
            LOG.info("{} holds shard {}", identity, shard);
          }
          case CONFLICT -> LOG.debug("{} was taken by another replica first", name);
          case UNKNOWN -> pending.put(shard, new Pending(at, sent.sentAt()));
          default -> throw new IllegalStateException(sent.write().outcome().name());
        }
      }));
    }
    return calls;
  }

  /** The deletions of member Leases that expired, so replicas that died leave nothing behind. */
  private List<Call> deadMemberDeletes(Map<String, Lease> leases) {
    List<Call> calls = new ArrayList<>();
    long now = ticker.nanos();
    String members = prefix + "-member-";
    for (Map.Entry<String, Lease> e : leases.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(members) || name.equals(memberLease()) || !expired(name, now)) {
        continue;
      }
      String version = e.getValue().getMetadata().getResourceVersion();
      // The precondition keeps the delete from removing a Lease its replica renewed since the read (a real API
      // server answers 409; the fabric8 mock ignores DELETE preconditions, so the tests cannot show it). A 404 or 409
      // (another replica deleted it first, or it was renewed) is a conflict and logged at no level.
      calls.add(new Call("delete", name, () -> {
        client.leases().inNamespace(namespace).withName(name).lockResourceVersion(version).delete();
        return null;
      }, sent -> {
        if (sent.write().outcome() == Outcome.WRITTEN) {
          LOG.info("{} deleted the expired member Lease {}", identity, name);
        }
      }));
    }
    return calls;
  }

  private Lease fresh(String name, String role, Instant at) {
    return new LeaseBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name)
        .addToLabels("app.kubernetes.io/managed-by", "hybridcni").addToLabels(FLEET_LABEL, prefix)
        .addToLabels(ROLE_LABEL, role).endMetadata()
        .withNewSpec().withHolderIdentity(identity).withLeaseDurationSeconds(leaseSeconds())
        .withAcquireTime(micro(at)).withRenewTime(micro(at)).withLeaseTransitions(0).endSpec()
        .build();
  }

  /**
   * One write: written, a conflict (409, or 404 on an update: another replica moved first or deleted it), or
   * unknown (any other failure: it may have committed, so only a later read can tell).
   */
  private Write write(String verb, String name, Supplier<Lease> request) {
    if (crashed) {
      return new Write(Outcome.UNKNOWN, null);
    }
    try {
      return new Write(Outcome.WRITTEN, request.get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || (e.getCode() == 404 && !verb.equals("create"))) {
        return new Write(Outcome.CONFLICT, null);
      }
      if (e.getCode() == 403) {
        LOG.warn("{} is not permitted to {} Lease {}/{}: a Role in that namespace needs verbs get, list, watch, "
            + "create, update and delete on leases.coordination.k8s.io (deploy/fleet's hybridcni-fleet-leases)",
            identity, verb, namespace, name);
      } else {
        LOG.warn("{} could not {} Lease {}/{}: {}", identity, verb, namespace, name, describe(e));
      }
      return new Write(Outcome.UNKNOWN, null);
    } catch (RuntimeException e) {
      LOG.warn("{} could not {} Lease {}/{}: {}", identity, verb, namespace, name, describe(e));
      return new Write(Outcome.UNKNOWN, null);
    }
  }

  @Override
  public void close() {
    Stopped stopped = stopLoop(false);
    if (!stopped.now()) {
      return;
    }
    Thread t = stopped.loop();
    closeWatch();
    Map<Integer, Lease> bases = new HashMap<>(written);
    Set<Integer> released = new HashSet<>(renewedAt.keySet());
    renewedAt.clear();
    if (t != null) {
      announce();
      listener.shutdown();
    }
    Map<String, Lease> leases = list();
    if (leases != null) {
      for (int shard = 0; shard < shards; shard++) {
        Lease lease = leases.get(shardLease(shard));
        // Also a shard whose take's answer was lost: the read shows it is ours.
        if (lease != null && ours(lease)) {
          bases.put(shard, lease);
          released.add(shard);
        } else {
          bases.remove(shard);
        }
      }
    }
    List<Call> releases = new ArrayList<>();
    for (int shard : new TreeSet<>(released)) {
      Lease base = bases.get(shard);
      if (base != null) {
        releases.add(release(shard, base));
      }
    }
    sendAll(releases);
    writer.shutdown();
    Lease own = leases != null ? leases.get(memberLease()) : member;
    if (own != null) {
      try {
        client.leases().inNamespace(namespace).withName(memberLease())
            .lockResourceVersion(own.getMetadata().getResourceVersion()).delete();
      } catch (RuntimeException e) {
        LOG.warn("{} could not delete its member Lease {} ({}); the others count it out once it expires", identity,
            memberLease(), describe(e));
      }
    }
    LOG.info("{} gave up shards {}", identity, released);
  }

  /**
   * A stand-in for the process dying, for tests and benchmarks: from now on this replica sends nothing, neither a
   * renewal (not even the rest of a round under way) nor a release, and its member Lease is left behind, so the
   * others take its shards only once they have watched its Leases unchanged for the lease duration, as they would
   * after a crash. {@link #held()} answers nothing from now on, as a dead process writes nothing. {@link #close()}
   * afterwards does nothing.
   */
  void crash() {
    Stopped stopped = stopLoop(true);
    if (!stopped.now()) {
      return;
    }
    writer.shutdownNow();
    closeWatch();
    if (stopped.loop() != null) {
      listener.shutdownNow();
    }
    LOG.info("{} crashed (a stand-in): its shard Leases stay until they expire", identity);
  }

  /** Whether {@link #stopLoop} closed this replica now (not before), and its loop's thread ({@code null}: none). */
  private record Stopped(boolean now, Thread loop) {}

  /**
   * Marks this replica closed (and crashed, when {@code crash}) and stops its loop, waiting up to 10 s for it. A close
   * interrupted while it waits fails, since it would give up shards its loop may still renew; a crash gives up nothing
   * and just stops.
   */
  private Stopped stopLoop(boolean crash) {
    Thread t;
    synchronized (this) {
      if (closed) {
        return new Stopped(false, null);
      }
      crashed = crash;
      closed = true;
      t = loop;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (!crash) {
          throw new HybridCniException("interrupted while giving up the shards of " + identity, e);
        }
      }
    }
    return new Stopped(true, t);
  }

  private int leaseSeconds() {
    return (int) leaseDuration.toSeconds();
  }

  private Instant wallNow() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Lease times are MicroTime on the wire: microsecond precision, UTC. */
  private static ZonedDateTime micro(Instant instant) {
    return ZonedDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private static String describe(RuntimeException e) {
    if (e instanceof KubernetesClientException k && k.getCode() > 0) {
      return "HTTP " + k.getCode() + " " + k.getMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** Builder; every setter documents its default. */
  public static final class Builder {
    private final KubernetesClient client;
    private final String identity;
    private String namespace = "kube-system";
    private String prefix = "hybridcni-fleet";
    private int shards = 12;
    private Duration leaseDuration = Duration.ofSeconds(15);
    private Duration renewDeadline;
    private Duration retryPeriod;
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.SYSTEM;
    private Sleeper sleeper = Sleeper.REAL;
    private boolean watch = true;

    private Builder(KubernetesClient client, String identity) {
      this.client = Objects.requireNonNull(client, "client");
      this.identity = Objects.requireNonNull(identity, "identity");
      if (identity.isEmpty()) {
        throw new IllegalArgumentException("the identity of a replica must not be empty (use its pod name)");
      }
    }

    /** The namespace of the fleet's Leases, usually the controller's own. Default {@code kube-system}. */
    public Builder namespace(String value) {
      this.namespace = Objects.requireNonNull(value, "namespace");
      return this;
    }

    /** Names the Leases {@code <prefix>-shard-<i>} and {@code <prefix>-member-<identity>}. Default
     * {@code hybridcni-fleet}. */
    public Builder prefix(String value) {
      this.prefix = Objects.requireNonNull(value, "prefix");
      return this;
    }

    /** How many shards the fleet is split into; must be the same on every replica. Default 12. */
    public Builder shards(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("shards must be at least 1, was " + value);
      }
      this.shards = value;
      return this;
    }

    /**
     * How long a replica must watch a shard's Lease unchanged before it takes the shard over (written to the Lease
     * as {@code leaseDurationSeconds}, whole seconds). Default 15 s, client-go's usual {@code LeaseDuration}.
     */
    public Builder leaseDuration(Duration value) {
      if (value.toSeconds() < 1) {
        throw new IllegalArgumentException("a lease lasts at least 1 s, was " + value);
      }
      this.leaseDuration = Duration.ofSeconds(value.toSeconds());
      return this;
    }

    /**
     * How long a replica may go without renewing a shard before it drops it; shorter than the lease duration, so it
     * stops before another can take the shard. Default two thirds of the lease duration (10 s).
     */
    public Builder renewDeadline(Duration value) {
      this.renewDeadline = Objects.requireNonNull(value, "renewDeadline");
      return this;
    }

    /**
     * How often a replica reads the Leases, renews what it holds and takes or releases shards (client-go's
     * {@code RetryPeriod}). Default a seventh of the lease duration (about 2 s).
     */
    public Builder retryPeriod(Duration value) {
      this.retryPeriod = Objects.requireNonNull(value, "retryPeriod");
      return this;
    }

    /**
     * The wall clock the Leases' {@code acquireTime} and {@code renewTime} are written from; never used to judge
     * expiry. Default the system UTC clock.
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** The monotonic clock expiry and the renew deadline are judged by. Default {@link Ticker#SYSTEM}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** How the replica waits between rounds. Default real sleeping (interrupted by {@link LeaseShards#close()}). */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /**
     * Whether the replica also watches the fleet's Leases between its reads, so that it observes another replica's
     * renewal when the event arrives rather than at its next read, and a dead replica's shards move within the lease
     * duration of its last renewal instead of up to a retry period later. Without {@code watch} on leases (RBAC) it
     * reads them every retry period alone. Default {@code true}.
     */
    public Builder watch(boolean value) {
      this.watch = value;
      return this;
    }

    /**
     * The shards.
     *
     * @throws IllegalArgumentException when the renew deadline is not shorter than the lease duration, the retry
     *     period not shorter than the renew deadline, or a Lease name would not be a DNS subdomain
     */
    public LeaseShards build() {
      return new LeaseShards(this);
    }
  }
}
