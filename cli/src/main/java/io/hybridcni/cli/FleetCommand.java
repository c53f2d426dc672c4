package io.hybridcni.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.aliyun.AddonWaitOptions;
import io.hybridcni.aliyun.AliyunCallLimiter;
import io.hybridcni.controller.fleet.AliyunAccount;
import io.hybridcni.controller.fleet.Fleet;
import io.hybridcni.controller.fleet.LeaseShards;
import io.hybridcni.controller.fleet.ShardOwnership;
import io.hybridcni.controller.fleet.StandardMemberWiring;
import io.hybridcni.controller.http.HealthServer;
import io.hybridcni.kube.KubeconfigClients;
import io.hybridcni.text.Printable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hybridcni controller --fleet}: one controller in a hub cluster keeps every registered cluster whose
 * HybridNetwork names a kubeconfig Secret ({@link Fleet}); its options, mixed into {@link ControllerCommand}, and its
 * run. Every member's Alibaba Cloud calls share one limiter ({@code --aliyun-rate}, {@code --aliyun-burst},
 * {@code --aliyun-in-flight}): the account's limits are the account's, however many clusters it serves.
 */
final class FleetCommand {

  /** The region the credentials are resolved for before anything starts (any region resolves the same chain). */
  private static final String CREDENTIAL_CHECK_REGION = "cn-hangzhou";

  /** The options of the fleet mode; only valid with {@code --fleet}. */
  static final class Options {
    @Option(names = "--fleet-namespace", paramLabel = "NAMESPACE|*", converter = NamespaceOrAll.class,
        description = "With --fleet: keep the HybridNetworks of this namespace of the hub, or of every namespace "
            + "with '*'. Default: the client's namespace (the pod's own in a cluster).")
    String namespace;

    @Option(names = "--shards", paramLabel = "N",
        description = "With --fleet: how many shards the registered clusters are split into (the same on every "
            + "replica), at least 1; each shard is a Lease (<lease-namespace>/hybridcni-fleet-shard-<i>) that one replica "
            + "holds at a time. Default: 12.")
    Integer shards;

    @Option(names = "--aliyun-rate", paramLabel = "CALLS_PER_SECOND",
        description = "With --fleet: Alibaba Cloud calls started per second by all clusters together, more than 0. "
            + "Default: 20.")
    Double rate;

    @Option(names = "--aliyun-burst", paramLabel = "CALLS",
        description = "With --fleet: calls the rate lets start at once, at least 1. Default: 5.")
    Integer burst;

    @Option(names = "--aliyun-in-flight", paramLabel = "CALLS",
        description = "With --fleet: Alibaba Cloud calls in flight at once for all clusters together, at least 1. "
            + "Default: 8.")
    Integer inFlight;

    /** Refuses a fleet option without {@code --fleet}, and any value out of range, in one line naming it. */
    void validate(CommandLine line, boolean fleet) {
      if (!fleet) {
        String given = namespace != null ? "--fleet-namespace" : shards != null ? "--shards" : rate != null
            ? "--aliyun-rate" : burst != null ? "--aliyun-burst" : inFlight != null ? "--aliyun-in-flight" : null;
        if (given != null) {
          throw new ParameterException(line, given + " applies to the fleet mode only: expected it with --fleet");
        }
        return;
      }
      if (shards != null && shards < 1) {
        throw new ParameterException(line, "Invalid value for option '--shards': expected a whole number of at "
            + "least 1, found " + shards);
      }
      if (rate != null && !(rate > 0 && !rate.isInfinite())) {
        throw new ParameterException(line, "Invalid value for option '--aliyun-rate': expected calls per second "
            + "of more than 0, found " + rate);
      }
      if (burst != null && burst < 1) {
        throw new ParameterException(line, "Invalid value for option '--aliyun-burst': expected at least 1, found "
            + burst);
      }
      if (inFlight != null && inFlight < 1) {
        throw new ParameterException(line, "Invalid value for option '--aliyun-in-flight': expected at least 1, "
            + "found " + inFlight);
      }
    }
  }

  /** A namespace, or {@code *} for every namespace. */
  static final class NamespaceOrAll implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if ("*".equals(value)) {
        return value;
      }
      String problem = io.hybridcni.spec.SpecRules.namespaceProblem(value);
      if (problem != null) {
        throw new TypeConversionException("expected '*' or " + problem);
      }
      return value;
    }
  }

  private FleetCommand() {}

  /** The shards a fleet replica splits the clusters into when {@code --shards} is not given. */
  static final int DEFAULT_SHARDS = 12;

  /**
   * Which shards this replica holds: one Lease per shard in {@code namespace} of the hub, split fairly between the
   * live replicas ({@link LeaseShards}); a replica that dies loses its shards to the others within the lease duration.
   */
  static ShardOwnership shardOwnership(KubernetesClient hub, String namespace, int shards, String identity) {
    return LeaseShards.builder(hub, identity).namespace(namespace).shards(shards).build();
  }

  /** Refuses, before anything connects, an identity that cannot name this replica's member Lease. */
  static void requireLeaseIdentity(ControllerCommand command, String identity) {
    if (!LeaseShards.isIdentity(identity)) {
      throw new ParameterException(command.command.commandLine(), "Invalid value for option '--identity': with "
          + "--fleet it names this replica's Lease, so expected a DNS subdomain (lower-case letters, digits, '-' and "
          + "'.', at most 230 characters), found '" + Printable.escape(identity) + "'");
    }
  }

  /** Keeps the fleet until the process is told to stop. */
  static void run(ControllerCommand command, Terminal term, String me, CountDownLatch stopping,
      AtomicReference<Runnable> stopCurrent) throws Exception {
    TargetOptions target = command.target;
    Options options = command.fleetOptions;
    target.validate();
    requireLeaseIdentity(command, me);
    if (target.simulate != null) {
      throw new ParameterException(command.command.commandLine(), "--fleet keeps the registered clusters of a hub "
          + "cluster's HybridNetworks: expected --kubeconfig/--context for the hub, not --simulate");
    }
    // Resolved before anything starts: no credentials is one line now, not one failure per cluster later.
    target.aliyunConnection(CREDENTIAL_CHECK_REGION).build().requireCredentials();
    AliyunCallLimiter.Builder limit = AliyunCallLimiter.forAccount("fleet");
    if (options.rate != null) {
      limit.callsPerSecond(options.rate);
    }
    if (options.burst != null) {
      limit.burst(options.burst);
    }
    if (options.inFlight != null) {
      limit.maxConcurrentCalls(options.inFlight);
    }
    AliyunCallLimiter limiter = limit.build();
    int shards = options.shards == null ? DEFAULT_SHARDS : options.shards;
    try (KubernetesClient hub = command.parent.environments.cluster(target)) {
      KubeconfigClients.requireReachable(hub, KubeconfigClients.describe(target.kubeconfig));
      String namespace = options.namespace == null
          ? (hub.getNamespace() != null ? hub.getNamespace() : "default")
          : "*".equals(options.namespace) ? null : options.namespace;
      Fleet fleet = Fleet.builder(hub)
          .namespace(namespace)
          .ownership(shardOwnership(hub, command.leaseNamespace, shards, me))
          .account(AliyunAccount.of(limiter, target::aliyunConnection))
          .wiring(StandardMemberWiring.builder()
              .addonWait(new AddonWaitOptions(Duration.ofSeconds(2), Duration.ofSeconds(15), target.addonTimeout))
              .rolloutTimeout(target.rolloutTimeout)
              .build())
          .identity(me)
          .syncTimeout(command.syncTimeout)
          .debounce(command.debounce)
          .resync(command.resync)
          .cloudPoll(command.cloudPoll, 0.2)
          .build();
      CountDownLatch ended = new CountDownLatch(1);
      HealthServer health = null;
      try {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        health = command.healthPort == null ? null : HealthServer.builder(registry).port(command.healthPort)
            .live(fleet::live).ready(fleet::ready)
            .notReadyBecause(() -> "the HybridNetworks of the hub are not listed yet").start();
        stopCurrent.set(ended::countDown);
        if (stopping.getCount() == 0) {
          return;
        }
        fleet.start();
        term.progress("Keeping the registered clusters of the HybridNetworks in "
            + (namespace == null ? "every namespace" : "namespace " + namespace) + " of " + hub.getMasterUrl()
            + " (" + shards + " shard(s), Alibaba Cloud calls limited by " + limiter + ") as " + me + " ...");
        ended.await();
      } finally {
        stopCurrent.set(null);
        fleet.close();
        if (health != null) {
          health.close();
        }
      }
      term.info("Stopped; every member's writes ended.");
    }
  }
}
