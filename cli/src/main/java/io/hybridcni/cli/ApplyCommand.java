package io.hybridcni.cli;

import io.hybridcni.apply.ActionOutcome;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.files.InputFiles;
import io.hybridcni.files.SpecFile;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.planner.PlanCheck;
import io.hybridcni.planner.PlanSubset;
import io.hybridcni.render.PlanJson;
import io.hybridcni.render.StatusText;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkStatus;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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

  @Option(names = "--status-timeout", paramLabel = "DURATION", defaultValue = "PT5M",
      converter = OptionValues.NonNegativeDuration.class,
      description = "After apply, wait this long for pods that may still become Ready (a Terway pod right after the "
          + "addon turned active, a rollout under way) before saying the network is not right (ISO-8601, e.g. PT2M; "
          + "PT0S: judge it once). Default: PT5M.")
  Duration statusTimeout;

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

  /** The action kinds the plan is kept to ({@code destroy --only}); empty: the whole plan. */
  Set<ActionKind> onlyKinds() {
    return Set.of();
  }

  /** The kind of plan this command runs, and the only kind of saved plan it accepts. */
  private PlanKind purpose() {
    return destroying() ? PlanKind.DESTROY : PlanKind.APPLY;
  }

  @Override
  public Integer call() throws Exception {
    Terminal term = common.apply(parent.terminal);
    HybridNetworkSpec spec = SpecFile.load(specFile);
    Set<ActionKind> only = onlyKinds();
    if (savedPlan != null && !only.isEmpty()) {
      throw new InvalidInputException(List.of(new InvalidInputException.Problem("--only", String.join(",",
          only.stream().map(PlanSubset::name).sorted().toList()), "no saved plan (a saved plan runs as saved: pass "
          + "--only to 'hybridcni plan --destroy' when saving it)")));
    }
    target.rolloutTimeout = rolloutTimeout;
    try (Environment env = parent.environments.open(spec, target)) {
      Plan plan;
      if (savedPlan != null) {
        plan = PlanJson.read(savedPlan.toString(), InputFiles.readUtf8(savedPlan, InputFiles.Kind.SAVED_PLAN));
        // Before anything is observed, locked or written: the right kind, cluster and spec, and a whole plan.
        PlanCheck.require(savedPlan.toString(), plan, purpose(), spec);
        // A saved plan cut by 'plan --destroy --only' is verified by the same cut.
        only = PlanSubset.keptKinds(plan);
      } else {
        term.progress("Observing " + env.describe() + " ...");
        plan = destroying() ? env.reconciler().planDestroy(spec, only) : env.reconciler().plan(spec);
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
          .withWaitForLock(waitForLock).withHolder(holder()).withStatusTimeout(statusTimeout)
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
        offerExclusionRevert(term, env, spec, plan, result);
        return ExitCodes.ERROR;
      }
      if (dryRun) {
        term.out().println("Dry run complete: nothing was changed.");
        return ExitCodes.OK;
      }
      // The closing check is the Reconciler's: the plan made now must be empty and, for an apply, the running
      // network healthy (waited for while its problems may clear with time).
      ReconcileResult verified = env.reconciler().verify(spec, plan, result, options, only);
      Plan after = verified.verification();
      if (after.actions().isEmpty() && !after.hasBlockers()) {
        if (plan.destroy() && !only.isEmpty()) {
          term.out().println("Destroy complete! Nothing of " + only.stream().map(PlanSubset::name).sorted().toList()
              + " is left; the rest of what hybridcni manages stays.");
          return ExitCodes.OK;
        }
        if (plan.destroy()) {
          term.out().println("Destroy complete! Nothing hybridcni manages is left.");
          return ExitCodes.OK;
        }
        NetworkStatus status = verified.status();
        if (status == null) {
          term.out().println("Apply complete! Converged: a new plan finds nothing to change.");
          return ExitCodes.OK;
        }
        if (verified.converged()) {
          term.out().println("Apply complete! Converged: a new plan finds nothing to change, and every node runs "
              + "its CNI, Running and Ready.");
          return ExitCodes.OK;
        }
        term.out().print(StatusText.render(status));
        term.out().println("Apply finished and a new plan finds nothing to change, but the running network is not "
            + "right on node(s) " + status.nodesWithProblems().stream().map(n -> n.name()).toList()
            + (status.mayClearWithTime() ? " after waiting " + statusTimeout + " (--status-timeout)" : "")
            + "; see the problems above, and run 'hybridcni status' again once they are fixed.");
        return ExitCodes.ERROR;
      }
      term.out().println("Apply finished, but the cluster has not converged; the plan now says:");
      term.out().print(term.renderer().render(after));
      return ExitCodes.ERROR;
    }
  }

  /**
   * When the exclusion of cloud nodes did not succeed (it failed, or was found stale by its executor, after its write
   * may have landed: calico-node may be rolling out with it), the one step of destroy that takes it out again, with
   * the plan that step runs, as the issue's gate asks: the user sees exactly what the revert would do.
   */
  private void offerExclusionRevert(Terminal term, Environment env, HybridNetworkSpec spec, Plan plan,
      ApplyResult result) {
    boolean exclusionWentWrong = plan.actions().stream()
        .filter(a -> a.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI)
        .map(a -> result.outcome(a.id()))
        .anyMatch(o -> o.status() == OutcomeStatus.FAILED || o.status() == OutcomeStatus.STALE);
    if (plan.destroy() || !exclusionWentWrong) {
      return;
    }
    Plan revert;
    try {
      revert = env.reconciler().planDestroy(spec, Set.of(ActionKind.REMOVE_CNI_EXCLUSION));
    } catch (RuntimeException e) {
      term.info("Could not plan the exclusion's removal: " + e.getMessage());
      return;
    }
    if (revert.actions().isEmpty()) {
      return;
    }
    term.out().println("To take the exclusion out again, run: hybridcni destroy -f " + specFile + " --only "
        + PlanSubset.name(ActionKind.REMOVE_CNI_EXCLUSION));
    term.out().print(term.renderer().render(revert));
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
