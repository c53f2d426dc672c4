package io.hybridcni.examples;

import io.hybridcni.files.SpecFile;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Plan;
import io.hybridcni.planner.Planner;
import io.hybridcni.render.PlanText;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.SpecFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Plans a spec against the sample "fresh Calico BGP" cluster and prints the dry-run plan, as a person would read
 * it before applying. Usage: {@code PlanDryRun [spec.yaml]}; without an argument it uses the bundled
 * {@code spec-bgp.yaml}. It ends by saying which detailed exit code {@code hybridcni plan --detailed-exitcode}
 * would give (0 no changes, 2 changes, 1 blocked); {@link #run} returns that code to callers.
 */
public final class PlanDryRun {

  private PlanDryRun() {}

  public static void main(String[] args) throws IOException {
    int code = run(args, System.out);
    System.out.println();
    System.out.println("(plan --detailed-exitcode would exit with " + code + ")");
  }

  /** Runs the example and answers its exit code. */
  public static int run(String[] args, PrintStream out) throws IOException {
    HybridNetworkSpec spec;
    if (args.length > 0) {
      spec = SpecFile.load(Path.of(args[0]));
    } else {
      try (InputStream in = PlanDryRun.class.getResourceAsStream("/spec-bgp.yaml")) {
        spec = SpecFiles.load("spec-bgp.yaml", in);
      }
    }
    ObservedState observed = SampleClusters.freshBgp();
    Plan plan = new Planner().plan(spec, observed);
    out.print(PlanText.plain().render(plan));
    return plan.outcome().exitCode();
  }
}
