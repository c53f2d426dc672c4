package io.hybridcni.cli;

import io.hybridcni.files.SnapshotFile;
import io.hybridcni.files.SpecFile;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.spec.HybridNetworkSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hybridcni snapshot}: save what is observed, for offline plans and bug reports. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
    description = "Observe the cluster and the cloud and save the observed state (no secret values) as YAML or "
        + "JSON, for 'hybridcni plan --observed'.")
final class SnapshotCommand implements Callable<Integer> {

  @ParentCommand
  HybridCniCommand parent;

  @Mixin
  CommonOptions common;

  @Mixin
  TargetOptions target;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "SPEC", description = "The spec YAML file.")
  Path specFile;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Where to write the snapshot (.yaml/.yml or .json).")
  Path output;

  @Override
  public Integer call() throws Exception {
    Terminal term = common.apply(parent.terminal);
    HybridNetworkSpec spec = SpecFile.load(specFile);
    try (Environment env = parent.environments.open(spec, target)) {
      ObservedState observed = env.reconciler().observe(spec);
      SnapshotFile.write(observed, output);
      term.info("Wrote the observed state of " + env.describe() + " to " + output);
    }
    return ExitCodes.OK;
  }
}
