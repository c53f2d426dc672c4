package io.hybridcni.cli;

import io.hybridcni.plan.ActionKind;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hybridcni destroy}: undo what hybridcni manages, with the same plan, ask, apply and verify flow. */
@Command(name = "destroy", mixinStandardHelpOptions = true,
    description = {"Plan the undo of what hybridcni manages (addon, the CNI exclusion it added, Secret, AccessKeys, "
        + "policy attachment, policy and user it created), ask, apply exactly that plan, then verify that nothing "
        + "of it is left.", "Anything not created by hybridcni is a blocker, never deleted."})
final class DestroyCommand extends ApplyCommand {

  @Option(names = "--only", split = ",", paramLabel = "KIND",
      description = "Keep only the actions of these kinds (lower case with hyphens, e.g. remove-cni-exclusion: take "
          + "the CNI exclusion out and nothing else); refused when a kept action depends on one left out (e.g. the "
          + "addon is still installed: its uninstall comes first). A saved plan runs as saved: pass --only to "
          + "'hybridcni plan --destroy' when saving it.")
  List<String> only;

  @Override
  boolean destroying() {
    return true;
  }

  @Override
  Set<ActionKind> onlyKinds() {
    return PlanCommand.onlyKinds(only, true);
  }
}
