package io.hybridcni.planner;

import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeMatcher;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.FieldChange;
import io.hybridcni.plan.Finding;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ACK addon that runs Terway on cloud nodes: installed, or upgraded to the spec's version, after everything it
 * needs, then waited for until active; an addon ACK is still changing settles first, and a failed one is a blocker.
 * Destroy uninstalls it first of all and waits until it is gone. Reads the cluster and the addon instance (its
 * state and version).
 */
final class AddonUnit implements ResourceUnit {

  /** Addon states in which ACK is still changing the addon: it must settle before it can be uninstalled. */
  static final Set<String> BUSY_ADDON_STATES = Set.of("installing", "initial", "updating", "upgrading");
  /** The state of an addon ACK is already uninstalling. */
  static final String DELETING = "deleting";
  /** What the text shows for an addon that is no longer there. */
  static final String GONE = "(gone)";

  @Override
  public List<DetailRules<?>> details() {
    return List.of(
        new DetailRules<>(ActionDetail.Addon.class,
            (d, spec) -> Set.of(Facts.cluster(d.clusterId()), Facts.addon(d.name())),
            d -> Set.of(Facts.addon(d.name())),
            (d, state, keys) -> {
              AddonInstance old = state.addon(d.name());
              String version = d.toVersion() != null ? d.toVersion() : old != null ? old.version() : "default";
              return withTerway(state.toBuilder().addon(new AddonInstance(d.name(), version, "active")).build());
            }),
        // A wait counts as changing the addon (from busy to active), as the settle before an upgrade or uninstall
        // does; after the final wait of an install nothing reads the addon again.
        new DetailRules<>(ActionDetail.AddonWait.class,
            // A wait with no version is the settle of an addon ACK is still changing: reaching active early is what
            // it waits for, so it relies on nothing; a wait for a version follows the install that writes the addon.
            (d, spec) -> d.version() == null ? Set.of() : Set.of(Facts.addon(d.name())),
            d -> Set.of(Facts.addon(d.name())),
            (d, state, keys) -> {
              AddonInstance old = state.addon(d.name());
              return old == null ? state : state.toBuilder()
                  .addon(new AddonInstance(old.name(), old.version(), AddonInstance.ACTIVE)).build();
            }),
        new DetailRules<>(ActionDetail.AddonUninstall.class,
            (d, spec) -> Set.of(Facts.cluster(d.clusterId()), Facts.addon(d.name())),
            d -> Set.of(Facts.addon(d.name())),
            (d, state, keys) -> {
              AddonInstance old = state.addon(d.name());
              return old == null ? state
                  : state.toBuilder().addon(new AddonInstance(old.name(), old.version(), DELETING)).build();
            }),
        new DetailRules<>(ActionDetail.AddonRemovalWait.class,
            // The addon going away early is what the wait waits for, not a change that makes it wrong.
            (d, spec) -> Set.of(),
            d -> Set.of(Facts.addon(d.name())),
            (d, state, keys) -> {
              // ACK removes the addon's Terway DaemonSet with it, and its pods with that.
              List<AddonInstance> addons = state.addons().stream().filter(a -> !a.name().equals(d.name()))
                  .toList();
              List<NodeInfo> nodes = state.nodes().stream().map(n -> n.runsTerway() ? n.withRunsTerway(false) : n)
                  .toList();
              return state.toBuilder().addons(addons).terway(null).nodes(nodes).build();
            }));
  }

  /** The addon's DaemonSet as ACK installs it on a registered cluster, and its pods on the nodes it allows. */
  private static ObservedState withTerway(ObservedState state) {
    TerwayFacts facts;
    if (state.terway() != null && state.terway().daemonSet() != null) {
      facts = state.terway();
    } else {
      // The addon's pods read kube-system/alibaba-addon-secret (Terway since v1.8.0, see AccessKeySecretUnit's
      // restart).
      facts = new TerwayFacts(new Workload(WorkloadRef.daemonSet("kube-system", "terway-eniip"), null,
          Placement.nodeSelector(Map.of(Planner.TERWAY_ADDON_NODE_SELECTOR.key(),
              Planner.TERWAY_ADDON_NODE_SELECTOR.value())), List.of()), List.of("alibaba-addon-secret"), null);
    }
    NodeMatcher terway = facts.daemonSet().placement().matcher();
    List<NodeInfo> nodes = new ArrayList<>();
    for (NodeInfo n : state.nodes()) {
      nodes.add(n.withRunsTerway(terway.allows(n)));
    }
    return state.toBuilder().terway(facts).nodes(nodes).build();
  }

  @Override
  public List<Draft> plan(UnitRun.Forward run, List<Draft> after) {
    return new Forward(run).planAddon(after);
  }

  @Override
  public List<Draft> planDestroy(UnitRun.Destroy run, List<Draft> after) {
    Draft gone = new Destroy(run).planAddonRemoval();
    return gone == null ? List.of() : List.of(gone);
  }

  /** One forward planning of the addon. */
  private static final class Forward extends UnitStep {
    Forward(UnitRun run) {
      super(run);
    }

    List<Draft> planAddon(List<Draft> prerequisites) {
      String name = spec.addonName();
      AddonInstance addon = s.addon(name);
      String address = "ack/cluster/" + spec.clusterId() + "/addon/" + name;
      List<Draft> before = new ArrayList<>(prerequisites);
      Draft change;
      if (addon == null) {
        List<FieldChange> changes = new ArrayList<>();
        changes.add(new FieldChange("name", null, ChangeValues.text(name)));
        changes.add(new FieldChange("version", null,
            ChangeValues.text(spec.addonVersion() == null ? "(ACK default)" : spec.addonVersion())));
        if (spec.addonConfig() != null) {
          changes.add(new FieldChange("config", null, ChangeValues.json(spec.addonConfig())));
        }
        change = new Draft("addon-install", ActionKind.INSTALL_ADDON, ChangeType.CREATE, address,
            "The " + name + " addon is not installed; cloud nodes need it for pod networking.", changes,
            new ActionDetail.Addon(spec.clusterId(), name, null, spec.addonVersion(), spec.addonConfig()));
      } else if (addon.failed()) {
        findings.add(addonFailed(addon));
        return List.of();
      } else {
        boolean upgrade = spec.addonVersion() != null && !spec.addonVersion().equals(addon.version());
        if (!addon.active()) {
          // An addon that is busy (updating, upgrading) must settle before it can be changed again. ACK finishes
          // that change on its own, at any moment and at the version it was asked for (an upgrade a crashed run
          // started, say): the wait holds out for active at any version, and relies on no fact, since the addon
          // settling between plan and apply is what it waits for, not a change that makes it wrong.
          Draft settle = new Draft(upgrade ? "addon-settle" : "addon-wait", ActionKind.WAIT_FOR_ADDON,
              ChangeType.WAIT, address, "The " + name + " addon is " + addon.state() + "; it must be active"
                  + (upgrade ? " before it can be upgraded." : " for Terway to serve cloud nodes."),
              List.of(new FieldChange("state", ChangeValues.text(addon.state()),
                  ChangeValues.text(AddonInstance.ACTIVE))),
              new ActionDetail.AddonWait(spec.clusterId(), name, null));
          prerequisites.forEach(settle::dependOn);
          add(settle);
          if (!upgrade) {
            return List.of(settle);
          }
          before = List.of(settle);
        } else if (!upgrade) {
          return List.of();
        }
        List<FieldChange> changes = new ArrayList<>();
        changes.add(new FieldChange("version", ChangeValues.text(addon.version()),
            ChangeValues.text(spec.addonVersion())));
        if (spec.addonConfig() != null) {
          changes.add(new FieldChange("config", null, ChangeValues.json(spec.addonConfig())));
        }
        change = new Draft("addon-upgrade", ActionKind.UPGRADE_ADDON, ChangeType.UPDATE, address,
            "The " + name + " addon runs version " + addon.version() + ", the spec asks for "
                + spec.addonVersion() + ".", changes,
            new ActionDetail.Addon(spec.clusterId(), name, addon.version(), spec.addonVersion(),
                spec.addonConfig()));
      }
      before.forEach(change::dependOn);
      add(change);
      Draft wait = new Draft("addon-wait", ActionKind.WAIT_FOR_ADDON, ChangeType.WAIT, address,
          "Terway serves cloud nodes only once the addon instance is active.",
          List.of(new FieldChange("state", null, ChangeValues.text(AddonInstance.ACTIVE))),
          new ActionDetail.AddonWait(spec.clusterId(), name, spec.addonVersion()));
      wait.dependOn(change);
      add(wait);
      return List.of(wait);
    }

    /**
     * An addon instance in a failure state ({@link AddonInstance#failed()}) at plan time is a blocker, not a wait: ACK
     * leaves that state only when someone changes the addon, so a wait could only fail (or time out), and nothing
     * here can repair it. No source says a second InstallClusterAddons or UpgradeClusterAddons repairs a failed
     * instance: the Terraform alicloud provider (aliyun/terraform-provider-alicloud,
     * alicloud/resource_alicloud_cs_kubernetes_addon.go, resourceAlicloudCSKubernetesAddonCreate and updateAddon)
     * installs only an addon DescribeCsKubernetesAddon does not find, and upgrades only to another version (or
     * updates a differing config), whatever the instance's state. The addon's task tells why it failed: the user
     * looks there, uninstalls the addon and applies again.
     */
    Finding addonFailed(AddonInstance addon) {
      String name = addon.name();
      return Finding.blocker("ADDON_FAILED", "The " + name + " addon of cluster " + spec.clusterId() + " is in "
          + "state " + addon.state() + ": ACK's last install, upgrade or uninstall of it did not succeed, and "
          + "neither waiting nor installing it again repairs that. Look at the addon's task in the ACK console "
          + "(the cluster's Add-ons page, or its task history) for the reason, uninstall the addon (hybridcni "
          + "destroy, or the console), then run apply again.",
          List.of("state=" + addon.state(), "version=" + (addon.version() == null ? "(none)" : addon.version())));
    }
  }

  /** One planning of the addon's removal. */
  private static final class Destroy extends UnitStep {
    Destroy(UnitRun run) {
      super(run);
    }

    Draft planAddonRemoval() {
      String name = spec.addonName();
      AddonInstance addon = s.addon(name);
      if (addon == null) {
        return null;
      }
      ClusterFacts cluster = s.cluster();
      if (cluster != null && cluster.state() != null && !"running".equals(cluster.state())) {
        findings.add(Finding.warning("CLUSTER_NOT_RUNNING", "Cluster " + cluster.clusterId() + " is in state "
            + cluster.state() + "; uninstalling the addon may fail until it is running.",
            List.of("state=" + cluster.state())));
      }
      String address = "ack/cluster/" + spec.clusterId() + "/addon/" + name;
      Draft uninstall = null;
      if (!addon.is(DELETING)) {
        Draft settle = null;
        if (addon.state() != null
            && BUSY_ADDON_STATES.contains(addon.state().toLowerCase(java.util.Locale.ROOT))) {
          settle = add(new Draft("addon-settle", ActionKind.WAIT_FOR_ADDON, ChangeType.WAIT, address,
              "The " + name + " addon is " + addon.state() + "; ACK must finish that change before the addon can "
                  + "be uninstalled.",
              List.of(new FieldChange("state", ChangeValues.text(addon.state()),
                  ChangeValues.text(AddonInstance.ACTIVE))),
              // As the settle before an upgrade: ACK finishing its change early is what the wait waits for.
              new ActionDetail.AddonWait(spec.clusterId(), name, null)));
        }
        List<FieldChange> changes = new ArrayList<>();
        changes.add(new FieldChange("name", ChangeValues.text(name), null));
        if (addon.version() != null) {
          changes.add(new FieldChange("version", ChangeValues.text(addon.version()), null));
        }
        uninstall = add(new Draft("addon-uninstall", ActionKind.UNINSTALL_ADDON, ChangeType.DELETE, address,
            "The " + name + " addon serves cloud nodes with Terway; it goes first, because everything else "
                + "hybridcni set up exists for it.",
            changes, new ActionDetail.AddonUninstall(spec.clusterId(), name, addon.version())));
        uninstall.dependOn(settle);
      }
      // The wait relies on no fact: an addon ACK is uninstalling (one a crashed destroy asked to go, say) may be gone
      // by the time the apply starts, and that is what the wait waits for, not a change that makes it wrong.
      Draft wait = new Draft("addon-removal-wait", ActionKind.WAIT_FOR_ADDON_REMOVAL, ChangeType.WAIT, address,
          uninstall == null
              ? "ACK is already uninstalling the " + name + " addon; what Terway used goes only once it is gone."
              : "What Terway used goes only once the addon is gone.",
          List.of(new FieldChange("state", ChangeValues.text(uninstall == null ? addon.state() : DELETING),
              ChangeValues.text(GONE))),
          new ActionDetail.AddonRemovalWait(spec.clusterId(), name));
      wait.dependOn(uninstall);
      return add(wait);
    }
  }
}
