package io.hybridcni.cli;

import io.hybridcni.files.SpecFile;
import io.hybridcni.render.StatusJson;
import io.hybridcni.render.StatusText;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkStatus;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hybridcni status}: the running hybrid network, node by node. Changes nothing. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the running network node by node: cloud or on-premises and why, the CNI pods there and "
        + "their readiness, each CNI DaemonSet's rollout, and the problems found. Reads the cluster only. Exit 0 "
        + "healthy, 1 problems or error.")
final class StatusCommand implements Callable<Integer> {

  enum Format { TEXT, JSON }

  @ParentCommand
  HybridCniCommand parent;

  @Mixin
  CommonOptions common;

  @Mixin
  TargetOptions target;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "SPEC", description = "The spec YAML file.")
  Path specFile;

  @Option(names = "--format", defaultValue = "text", description = "text (default) or json.")
  Format format;

  @Override
  public Integer call() throws Exception {
    Terminal term = common.apply(parent.terminal);
    HybridNetworkSpec spec = SpecFile.load(specFile);
    NetworkStatus status;
    try (Environment env = parent.environments.open(spec, target)) {
      term.progress("Reading the running network of " + env.describe() + " ...");
      status = env.reconciler().status(spec);
    }
    if (format == Format.JSON) {
      term.result(StatusJson.write(status));
    } else {
      term.out().print(StatusText.render(status));
    }
    return status.healthy() ? ExitCodes.OK : ExitCodes.ERROR;
  }
}
