package io.hybridcni.cli;

import picocli.CommandLine.Command;

/** {@code hybridcni}: plan, apply and verify the network of an ACK One registered cluster. */
@Command(name = "hybridcni", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Plans, applies and verifies the network of an ACK One registered (hybrid) cluster.",
    subcommands = {PlanCommand.class, ApplyCommand.class, DestroyCommand.class, StatusCommand.class,
        SnapshotCommand.class,
        DemoCommand.class,
        ControllerCommand.class,
        PermissionsCommand.class})
final class HybridCniCommand implements Runnable {

  final Terminal terminal;
  final Environment.Factory environments;

  HybridCniCommand(Terminal terminal, Environment.Factory environments) {
    this.terminal = terminal;
    this.environments = environments;
  }

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(terminal.err());
  }
}
