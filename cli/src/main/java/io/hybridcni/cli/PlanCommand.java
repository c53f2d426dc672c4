package io.hybridcni.cli;

import io.hybridcni.files.SnapshotFile;
import io.hybridcni.files.SpecFile;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.planner.PlanSubset;
import io.hybridcni.planner.Planner;
import io.hybridcni.render.PlanJson;
import io.hybridcni.spec.HybridNetworkSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hybridcni plan}: show what apply would change, without changing anything. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Observe the cluster and the cloud (or read a snapshot) and print the plan. Changes nothing.")
final class PlanCommand implements Callable<Integer> {

  enum Format { TEXT, JSON }

  @ParentCommand
  HybridCniCommand parent;

  @Mixin
  CommonOptions common;

  @Mixin
  TargetOptions target;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "SPEC", description = "The spec YAML file.")
  Path specFile;

  @Option(names = "--observed", paramLabel = "SNAPSHOT",
      description = "Plan offline against a snapshot written by 'hybridcni snapshot' (no cluster or cloud needed).")
  Path observedFile;

  @Option(names = "--out", paramLabel = "PLAN_JSON", description = "Also save the plan as JSON, for 'apply'.")
  Path out;

  @Option(names = "--format", defaultValue = "text", description = "text (default) or json.")
  Format format;

  @Option(names = "--detailed-exitcode",
      description = "Exit 0 with no changes, 2 with changes, 1 on error or blocker.")
  boolean detailedExitCode;

  @Option(names = "--destroy",
      description = "Plan the destroy of what hybridcni manages (addon, CNI exclusion, Secret, RAM user, keys and "
          + "policy) instead of the changes that take the cluster to the spec.")
  boolean destroy;

  @Option(names = "--only", split = ",", paramLabel = "KIND",
      description = "With --destroy: keep only the actions of these kinds (lower case with hyphens, e.g. "
          + "remove-cni-exclusion); refused when a kept action depends on one left out.")
  java.util.List<String> only;

  @Override
  public Integer call() throws Exception {
    Terminal term = common.apply(parent.terminal);
    HybridNetworkSpec spec = SpecFile.load(specFile);
    java.util.Set<ActionKind> kinds = onlyKinds(only, destroy);
    Plan plan;
    if (observedFile != null) {
      ObservedState observed = SnapshotFile.read(observedFile);
      plan = destroy ? new Planner().planDestroy(spec, observed) : new Planner().plan(spec, observed);
      if (!kinds.isEmpty()) {
        plan = PlanSubset.only("--only", plan, kinds, spec, observed);
      }
    } else {
      try (Environment env = parent.environments.open(spec, target)) {
        term.progress("Observing " + env.describe() + " ...");
        plan = destroy ? env.reconciler().planDestroy(spec, kinds) : env.reconciler().plan(spec);
      }
    }
    if (format == Format.JSON) {
      term.result(PlanJson.write(plan));
    } else {
      term.out().print(term.renderer().render(plan));
    }
    if (out != null) {
      Files.writeString(out, PlanJson.write(plan), StandardCharsets.UTF_8);
      term.info("Saved the plan to " + out + "; apply exactly this plan with: hybridcni apply -f " + specFile + " "
          + out);
    }
    if (plan.hasBlockers()) {
      return ExitCodes.ERROR;
    }
    return detailedExitCode ? plan.outcome().exitCode() : ExitCodes.OK;
  }

  /**
   * The kinds {@code --only} names, empty when it is not given; refused (one line naming {@code --only}) without
   * {@code --destroy} or for a name that is no destroy action kind.
   */
  static java.util.Set<ActionKind> onlyKinds(java.util.List<String> only, boolean destroy) {
    if (only == null || only.isEmpty()) {
      return java.util.Set.of();
    }
    if (!destroy) {
      throw new io.hybridcni.error.InvalidInputException(java.util.List.of(new io.hybridcni.error
          .InvalidInputException.Problem("--only", String.join(",", only), "--only together with --destroy (it "
          + "keeps some actions of a destroy plan)")));
    }
    return PlanSubset.kinds("--only", only, PlanKind.DESTROY);
  }
}
