package io.hybridcni.cli;

import picocli.CommandLine.Command;

/** {@code hybridcni destroy}: undo what hybridcni manages, with the same plan, ask, apply and verify flow. */
@Command(name = "destroy", mixinStandardHelpOptions = true,
    description = {"Plan the undo of what hybridcni manages (addon, the CNI exclusion it added, Secret, AccessKeys, "
        + "policy attachment, policy and user it created), ask, apply exactly that plan, then verify that nothing "
        + "of it is left.", "Anything not created by hybridcni is a blocker, never deleted."})
final class DestroyCommand extends ApplyCommand {

  @Override
  boolean destroying() {
    return true;
  }
}
