package io.hybridcni.cli;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.files.SpecFile;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.text.Printable;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.controller.resource.HybridNetwork;
import io.hybridcni.controller.resource.HybridNetworkSource;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.InvalidInputException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hybridcni controller}: keep the cluster at its spec until stopped (SIGTERM), repairing what the spec's
 * {@code controller.autoApply} allows through the same plan, re-checks and verification as {@code apply}.
 */
@Command(name = "controller", mixinStandardHelpOptions = true,
    description = {"Keep the cluster at its spec until stopped: re-plan when something changes, repair what the "
        + "spec's controller.autoApply allows (default: the CNI exclusion and the Secret) through the same plan, "
        + "re-checks and verification as 'apply', and report the rest.", "Replicas elect one writer on a Lease; a "
        + "CLI 'apply' and the controller never write at once (both hold the apply Lease)."})
final class ControllerCommand implements Callable<Integer> {

  @ParentCommand
  HybridCniCommand parent;

  @Spec
  CommandSpec command;

  @Mixin
  CommonOptions common;

  @Mixin
  TargetOptions target;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SpecSource source;

  /** Where the spec lives: a file, or a HybridNetwork resource whose status the controller then keeps. */
  static final class SpecSource {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "SPEC", description = "The spec YAML file.")
    Path specFile;

    @Option(names = "--resource", required = true, paramLabel = "[NAMESPACE/]NAME",
        converter = OptionValues.ResourceName.class,
        description = "Read the spec from this HybridNetwork (hybridcni.io/v1alpha1) and keep its status: "
            + "conditions Ready, Drifted, Blocked, Degraded, the last plan and the node health. A changed spec "
            + "(a new metadata.generation) starts the controller again with it. NAMESPACE defaults to the "
            + "client's namespace (the pod's own in a cluster).")
    OptionValues.ResourceName.Value resource;

    @Option(names = "--fleet", required = true,
        description = "Run as a hub's fleet controller: keep every registered cluster whose HybridNetwork (in "
            + "--fleet-namespace) names a kubeconfig Secret in spec.kubeconfigSecretRef, each on its own, writing "
            + "its status in the hub; all of them share one Alibaba Cloud call limit (--aliyun-rate, "
            + "--aliyun-burst, --aliyun-in-flight).")
    boolean fleet;
  }

  @Mixin
  FleetCommand.Options fleetOptions;

  @Option(names = "--health-port", paramLabel = "PORT", converter = OptionValues.Port.class,
      description = "Serve /healthz, /readyz and /metrics on this port (1-65535). Default: no server.")
  Integer healthPort;

  @Option(names = "--debounce", paramLabel = "DURATION", defaultValue = "PT1S",
      converter = OptionValues.PositiveDuration.class,
      description = "Re-plan this long after the last change of a burst (ISO-8601). Default: PT1S.")
  Duration debounce;

  @Option(names = "--resync", paramLabel = "DURATION", defaultValue = "PT10M",
      converter = OptionValues.PositiveDuration.class,
      description = "Re-plan this often without any change (ISO-8601); the informer caches notice every change "
          + "in between. Default: PT10M.")
  Duration resync;

  @Option(names = "--sync-timeout", paramLabel = "DURATION", defaultValue = "PT2M",
      converter = OptionValues.PositiveDuration.class,
      description = "How long to wait for the informer caches' first listing before giving up (ISO-8601); a "
          + "refused list (a missing permission) is named when it runs out. Default: PT2M.")
  Duration syncTimeout;

  @Option(names = "--cloud-poll", paramLabel = "DURATION", defaultValue = "PT5M",
      converter = OptionValues.PositiveDuration.class,
      description = "Read Alibaba Cloud again this often, ±20 %% (ISO-8601). Default: PT5M.")
  Duration cloudPoll;

  @Option(names = "--lease-name", paramLabel = "NAME", defaultValue = "hybridcni-controller",
      converter = OptionValues.ObjectName.class,
      description = "The Lease the replicas elect their writer on. Default: hybridcni-controller.")
  String leaseName;

  @Option(names = "--lease-namespace", paramLabel = "NAMESPACE", defaultValue = "kube-system",
      converter = OptionValues.Namespace.class, description = "The namespace of that Lease. Default: kube-system.")
  String leaseNamespace;

  @Option(names = "--identity", paramLabel = "NAME",
      description = "This replica's name on the Leases. Default: $HOSTNAME (the pod's name), else the host name.")
  String identity;

  /** How the command learns that it should stop; the default is the JVM's shutdown (SIGTERM, SIGINT). */
  static Consumer<Runnable> onShutdown = hook -> Runtime.getRuntime().addShutdownHook(
      new Thread(hook, "hybridcni-controller-shutdown"));

  @Override
  public Integer call() throws Exception {
    Terminal term = common.apply(parent.terminal);
    fleetOptions.validate(command.commandLine(), source.fleet);
    String me = identity();
    AtomicReference<Runnable> stopCurrent = new AtomicReference<>();
    CountDownLatch stopping = new CountDownLatch(1);
    onShutdown.accept(() -> {
      stopping.countDown();
      Runnable stop = stopCurrent.get();
      if (stop != null) {
        stop.run();
      }
    });
    if (source.fleet) {
      FleetCommand.run(this, term, me, stopping, stopCurrent);
      return ExitCodes.OK;
    }
    if (source.specFile != null) {
      HybridNetworkSpec spec = SpecFile.load(source.specFile);
      run(term, me, spec, source.specFile.toString(), null, stopCurrent, stopping);
      return ExitCodes.OK;
    }
    try (KubernetesClient reader = parent.environments.cluster(target)) {
      String namespace = source.resource.namespace() != null ? source.resource.namespace()
          : reader.getNamespace() != null ? reader.getNamespace() : "default";
      String name = source.resource.name();
      String described = HybridNetwork.describe(namespace, name);
      try (HybridNetworkSource resource = HybridNetworkSource.start(reader, namespace, name)) {
        try {
          resource.synced().toCompletableFuture().get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
          String why = e instanceof TimeoutException ? "could not be listed within " + syncTimeout
              : "could not be listed: " + (e.getCause() == null ? e : e.getCause()).getMessage();
          throw new HybridCniException("--resource " + namespace + "/" + name + ": the " + HybridNetwork.KIND + " "
              + why + " (is the CRD installed and may hybridcni list hybridnetworks.hybridcni.io in namespace "
              + namespace + "?)");
        }
        boolean first = true;
        while (stopping.getCount() > 0) {
          HybridNetworkSpec spec;
          try {
            spec = resource.spec();
          } catch (InvalidInputException e) {
            if (first) {
              throw e; // bad input at start: one line, nothing written
            }
            // A running controller whose spec was edited wrong keeps nothing and waits for the next edit; it does
            // not exit, which would only restart the pod into the same error.
            term.info(e.getMessage() + "; waiting for the next change of " + described + ".");
            awaitNextGeneration(Resource.now(resource, namespace, name), stopCurrent, stopping);
            continue;
          }
          first = false;
          Resource kept = Resource.now(resource, namespace, name);
          run(term, me, spec, described + " (generation " + kept.generation() + ")", kept, stopCurrent, stopping);
          if (stopping.getCount() > 0) {
            term.info("The spec of " + described + " changed: keeping the cluster at the new one.");
          }
        }
      }
    }
    return ExitCodes.OK;
  }

  private static void awaitNextGeneration(Resource at, AtomicReference<Runnable> stopCurrent,
      CountDownLatch stopping) throws Exception {
    CountDownLatch next = new CountDownLatch(1);
    stopCurrent.set(next::countDown);
    try (AutoCloseable watch = at.source().subscribe(() -> {
      if (at.replaced()) {
        next.countDown();
      }
    })) {
      if (stopping.getCount() > 0 && !at.replaced()) {
        next.await();
      }
    } finally {
      stopCurrent.set(null);
    }
  }

  /**
   * The HybridNetwork the spec was read from, as this run keeps it: its uid (a deleted and re-created resource is
   * another) and generation.
   */
  private record Resource(HybridNetworkSource source, String namespace, String name, String uid, long generation) {

    static Resource now(HybridNetworkSource source, String namespace, String name) {
      var meta = source.resource().map(r -> r.getMetadata()).orElse(null);
      return new Resource(source, namespace, name, meta == null ? null : meta.getUid(), source.generation());
    }

    /** Deleted, re-created or edited since. */
    boolean changed() {
      return source.resource().map(r -> !java.util.Objects.equals(r.getMetadata().getUid(), uid)
          || !java.util.Objects.equals(r.getMetadata().getGeneration() == null ? 0L : r.getMetadata().getGeneration(),
              generation)).orElse(true);
    }

    /** There again and not as it was: what a wait after a spec that could not be kept looks for. */
    boolean replaced() {
      return source.resource().isPresent() && changed();
    }
  }

  /**
   * Runs one controller for {@code spec} until the process is told to stop or, with a resource, its spec changes;
   * everything it started is closed when it returns.
   */
  private void run(Terminal term, String me, HybridNetworkSpec spec, String from, Resource resource,
      AtomicReference<Runnable> stopCurrent, CountDownLatch stopping) throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    try (Environment env = parent.environments.open(spec, target)) {
      ControllerRuntime.Builder built = ControllerRuntime.builder(spec)
          .wiring(env.controllerWiring())
          .identity(me)
          .lease(leaseNamespace, leaseName)
          .debounce(debounce)
          .resync(resync)
          .syncTimeout(syncTimeout)
          .cloudPoll(cloudPoll)
          .applyOptions(ApplyOptions.defaults())
          .listener(new Narrator(term))
          .healthPort(healthPort)
          .notes(term::info);
      if (resource != null) {
        built.resource(resource.namespace(), resource.name(), resource::generation);
      }
      ControllerRuntime runtime = built.build();
      AutoCloseable specWatch = null;
      try {
        stopCurrent.set(ended::countDown);
        if (stopping.getCount() == 0) {
          return;
        }
        if (resource != null) {
          specWatch = resource.source().subscribe(() -> {
            if (resource.changed()) {
              ended.countDown();
            }
          });
        }
        term.progress("Keeping " + env.describe() + " at " + from + " as " + me + " ...");
        // A list that is only slow lets the controller start and keep waiting for it; a refused read fails the
        // command, named as the live read names it.
        runtime.start();
        ended.await();
      } finally {
        stopCurrent.set(null);
        closeQuietly(specWatch, term);
        closeQuietly(runtime, term);
      }
      if (stopping.getCount() == 0) {
        term.info("Stopped; the lead was given up.");
      }
    }
  }

  private static void closeQuietly(AutoCloseable part, Terminal term) {
    if (part == null) {
      return;
    }
    try {
      part.close();
    } catch (Exception e) {
      term.info("While stopping: " + e.getMessage());
    }
  }

  private String identity() {
    String value = identity;
    if (value == null) {
      value = System.getenv("HOSTNAME");
    }
    if (identity == null && (value == null || value.isBlank())) {
      try {
        value = InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        throw new ParameterException(command.commandLine(), "--identity: this host has no name to default to ("
            + e.getMessage() + "); expected --identity NAME");
      }
    }
    if (value.isBlank() || value.length() > 253 || Printable.hasControlCharacters(value)) {
      throw new ParameterException(command.commandLine(), "Invalid value for option '--identity': expected a name of "
          + "1 to 253 characters without control characters, found '" + Printable.escape(value) + "'");
    }
    return value;
  }

  /** One line per thing the controller did, for the log of its container. */
  private static final class Narrator implements ControllerListener {
    private final Terminal term;

    Narrator(Terminal term) {
      this.term = term;
    }

    @Override
    public void synced() {
      term.info("Caches synced.");
    }

    @Override
    public void leadership(boolean leading) {
      term.info(leading ? "Leading: this replica repairs." : "Not leading: this replica plans and reports only.");
    }

    @Override
    public void planned(Plan plan, NetworkStatus status) {
      if (!plan.isEmpty()) {
        term.info("Plan: " + plan.actions().size() + " action(s), " + plan.blockers().size() + " blocker(s).");
      }
    }

    @Override
    public void held(Plan plan, String why) {
      term.info("Held: " + why);
    }

    @Override
    public void superseded(Plan plan, String why) {
      term.info("Repair refused, planning again at once: " + why);
    }

    @Override
    public void reconciled(ReconcileResult result) {
      term.info("Repaired: " + result.why());
    }

    @Override
    public void failed(Exception failure) {
      term.info("Round failed: " + failure.getMessage());
    }
  }
}
