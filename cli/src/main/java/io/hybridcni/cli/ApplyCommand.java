package io.hybridcni.cli;

import io.hybridcni.apply.ActionOutcome;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.files.InputFiles;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.planner.PlanCheck;
import io.hybridcni.render.PlanJson;
import io.hybridcni.render.StatusText;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.spec.SpecFiles;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hybridcni apply}: apply exactly the plan, then prove convergence. */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Plan (or read a saved plan), ask, apply exactly that plan, then plan again to prove that "
        + "nothing is left to do.", "A saved plan is refused when any fact it relied on has changed, when it is "
        + "a destroy plan, or when it is for another cluster or was made from another spec."})
class ApplyCommand implements Callable<Integer> {

  @ParentCommand
  HybridCniCommand parent;

  @Mixin
  CommonOptions common;

  @Mixin
  TargetOptions target;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "SPEC", description = "The spec YAML file.")
  Path specFile;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PLAN_JSON",
      description = "A plan saved with 'hybridcni plan --out' (for destroy: 'hybridcni plan --destroy --out'). "
          + "Default: plan now.")
  Path savedPlan;

  @Option(names = "--auto-approve", description = "Apply without asking.")
  boolean autoApprove;

  @Option(names = "--dry-run", description = "Validate every change (server-side where supported) and write nothing.")
  boolean dryRun;

  @Option(names = "--continue-on-error",
      description = "After a failure, still run the actions that do not depend on it. Default: stop.")
  boolean continueOnError;

  @Option(names = "--wait-for-lock", paramLabel = "DURATION", defaultValue = "PT0S",
      converter = OptionValues.NonNegativeDuration.class,
      description = "Wait this long for another apply's lock (ISO-8601, e.g. PT5M). Default: fail at once.")
  Duration waitForLock;

  @Option(names = "--rollout-timeout", paramLabel = "DURATION", converter = OptionValues.NonNegativeDuration.class,
      description = "How long the rollout of calico-node after the CNI exclusion (the Tigera operator's render and "
          + "the pod deletions of an OnDelete DaemonSet included) and of Terway after a restart may take "
          + "(ISO-8601, e.g. PT10M). Default: for calico-node 3 minutes plus 1 minute per batch of maxUnavailable "
          + "pods, for Terway 10 minutes.")
  Duration rolloutTimeout;

  /** Whether this command plans the destroy of what hybridcni manages instead of the spec's changes. */
  boolean destroying() {
    return false;
  }

  /** The kind of plan this command runs, and the only kind of saved plan it accepts. */
  private PlanKind purpose() {
    return destroying() ? PlanKind.DESTROY : PlanKind.APPLY;
  }

  @Override
  public Integer call() throws Exception {
    Terminal term = common.apply(parent.terminal);
    HybridNetworkSpec spec = SpecFiles.load(specFile);
    target.rolloutTimeout = rolloutTimeout;
    try (Environment env = parent.environments.open(spec, target)) {
      Plan plan;
      if (savedPlan != null) {
        plan = PlanJson.read(savedPlan.toString(), InputFiles.readUtf8(savedPlan, InputFiles.Kind.SAVED_PLAN));
        // Before anything is observed, locked or written: the right kind, cluster and spec, and a whole plan.
        PlanCheck.require(savedPlan.toString(), plan, purpose(), spec);
      } else {
        term.progress("Observing " + env.describe() + " ...");
        plan = destroying() ? env.reconciler().planDestroy(spec) : env.reconciler().plan(spec);
      }
      term.out().print(term.renderer().render(plan));
      if (plan.hasBlockers()) {
        return ExitCodes.ERROR;
      }
      if (plan.actions().isEmpty()) {
        return ExitCodes.OK;
      }
      if (!dryRun && !autoApprove && !confirmed(term)) {
        term.info("Apply cancelled.");
        return ExitCodes.ERROR;
      }
      ApplyOptions options = ApplyOptions.defaults().withDryRun(dryRun).withContinueOnError(continueOnError)
          .withWaitForLock(waitForLock).withHolder(holder())
          .withListener(new ConsoleProgress(term, plan.actions().size()));
      ApplyResult result = destroying() ? env.reconciler().destroy(spec, plan, options)
          : env.reconciler().apply(spec, plan, options);
      if (result.refused() != null) {
        result.withStatus(OutcomeStatus.STALE).forEach(o -> o.changedFacts()
            .forEach(f -> term.info("  changed: " + f)));
        throw new HybridCniException("Apply refused: " + result.refused());
      }
      summarize(term, result);
      if (!result.succeeded()) {
        return ExitCodes.ERROR;
      }
      if (dryRun) {
        term.out().println("Dry run complete: nothing was changed.");
        return ExitCodes.OK;
      }
      Plan after = plan.destroy() ? env.reconciler().planDestroy(spec) : env.reconciler().plan(spec);
      if (after.actions().isEmpty() && !after.hasBlockers()) {
        if (plan.destroy()) {
          term.out().println("Destroy complete! Nothing hybridcni manages is left.");
          return ExitCodes.OK;
        }
        if (!env.reconciler().readsStatus()) {
          term.out().println("Apply complete! Converged: a new plan finds nothing to change.");
          return ExitCodes.OK;
        }
        // The templates and records match the spec; the pods that run must too before this is called converged.
        NetworkStatus status = env.reconciler().status(spec);
        if (status.healthy()) {
          term.out().println("Apply complete! Converged: a new plan finds nothing to change, and every node runs "
              + "its CNI, Running and Ready.");
          return ExitCodes.OK;
        }
        term.out().print(StatusText.render(status));
        term.out().println("Apply finished and a new plan finds nothing to change, but the running network is not "
            + "right on node(s) " + status.nodesWithProblems().stream().map(n -> n.name()).toList()
            + "; see the problems above, and run 'hybridcni status' again once they are fixed.");
        return ExitCodes.ERROR;
      }
      term.out().println("Apply finished, but the cluster has not converged; the plan now says:");
      term.out().print(term.renderer().render(after));
      return ExitCodes.ERROR;
    }
  }

  private boolean confirmed(Terminal term) throws java.io.IOException {
    if (!term.interactive()) {
      throw new HybridCniException("Not attached to a terminal, so there is no one to ask: pass --auto-approve to "
          + "apply this plan, or --dry-run to try it");
    }
    String answer = term.ask("\nDo you want to perform these actions? Only 'yes' will be accepted: ");
    return "yes".equals(answer == null ? null : answer.trim());
  }

  private static void summarize(Terminal term, ApplyResult result) {
    for (ActionOutcome o : result.outcomes()) {
      if (!o.succeeded()) {
        term.info(String.format(Locale.ROOT, "  %-24s %s: %s", o.actionId(),
            o.status().name().toLowerCase(Locale.ROOT).replace('_', ' '), o.message()));
      }
    }
    long ok = result.outcomes().stream().filter(ActionOutcome::succeeded).count();
    term.out().println("Applied " + ok + " of " + result.outcomes().size() + " action(s).");
    if (result.stopped() != null) {
      term.info("Apply stopped before its next action: " + result.stopped());
    }
  }

  private static String holder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name", "someone") + "@" + host + " (pid " + ProcessHandle.current().pid() + ")";
  }
}
