package io.hybridcni.spec;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code hybridcni controller} may do by itself ({@code controller.autoApply} in the YAML form): the action
 * kinds, by the names plans print them with, that it applies without a person. A plan holding any other kind is
 * reported, not applied.
 *
 * <p>This is a policy of the controller, not part of what a plan is about: it does not enter {@link SpecDigest}, so
 * a plan saved before the policy changed still applies, and the golden plans do not move.
 *
 * <p>The names are kept here as text because the action kinds live in {@code io.hybridcni.plan}, which depends on
 * this package; a test keeps {@link #ACCEPTED} equal to the kinds an apply plan may hold.
 *
 * @param autoApply the kinds the controller may apply by itself, sorted; empty: report only
 */
public record ControllerPolicy(Set<String> autoApply) {

  /** Every action kind an apply plan may hold, by its name in plans: the names {@code autoApply} accepts. */
  public static final List<String> ACCEPTED = List.of("ATTACH_RAM_POLICY", "DELETE_ORPHAN_ACCESS_KEY",
      "ENSURE_ACCESS_KEY_SECRET", "ENSURE_RAM_POLICY", "ENSURE_RAM_USER", "EXCLUDE_CLOUD_NODES_FROM_CNI",
      "INSTALL_ADDON", "RESTART_TERWAY", "UPGRADE_ADDON", "WAIT_FOR_ADDON");

  /**
   * The default: repair the CNI exclusion ({@code EXCLUDE_CLOUD_NODES_FROM_CNI}, which a {@code helm upgrade} or a
   * GitOps sync drops) and the Secret. A deleted or emptied Secret cannot be refilled with the old key (RAM returns an
   * AccessKey's secret once, when it is created), so its repair is {@code ENSURE_ACCESS_KEY_SECRET}, which creates a
   * new key and writes it at once, followed by {@code RESTART_TERWAY}: the planner pairs the two whenever a new key
   * goes into the Secret Terway's pods read, because Terway reads its key only when its daemon starts. The old key
   * becomes an orphan; its deletion ({@code DELETE_ORPHAN_ACCESS_KEY}, planned only with
   * {@code ram.deleteOrphanAccessKeys: true}) is a delete, so it is not in the default, and a plan holding it is held
   * for a person; without that field the orphan is a warning and the repair goes on. When the user already holds
   * RAM's two keys the planner blocks the new key, and the controller holds that plan too. Naming
   * {@code DELETE_ORPHAN_ACCESS_KEY} in {@code autoApply} (with {@code ram.deleteOrphanAccessKeys: true}) is the one
   * way to let the controller delete by itself: a destructive action is held unless its kind is named explicitly.
   */
  public static final ControllerPolicy DEFAULT = new ControllerPolicy(Set.of("EXCLUDE_CLOUD_NODES_FROM_CNI",
      "ENSURE_ACCESS_KEY_SECRET", "RESTART_TERWAY"));

  /** Report only: the controller applies nothing ({@code autoApply: []}). */
  public static final ControllerPolicy REPORT_ONLY = new ControllerPolicy(Set.of());

  public ControllerPolicy {
    Objects.requireNonNull(autoApply, "autoApply");
    for (String name : autoApply) {
      if (!ACCEPTED.contains(name)) {
        throw new IllegalArgumentException("controller.autoApply: expected names among " + ACCEPTED + ", found \""
            + name + "\"");
      }
    }
    autoApply = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(autoApply));
  }

  /** Whether the controller may apply an action of the kind named {@code kindName} by itself. */
  public boolean allows(String kindName) {
    return autoApply.contains(kindName);
  }
}
