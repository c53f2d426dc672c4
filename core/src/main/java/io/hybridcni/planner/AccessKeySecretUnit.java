package io.hybridcni.planner;

import static io.hybridcni.planner.Planner.ACCESS_KEY_ID;
import static io.hybridcni.planner.Planner.ACCESS_KEY_SECRET;
import static io.hybridcni.planner.Planner.MAX_ACCESS_KEYS;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.ValueHash;
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
import java.util.TreeMap;

/**
 * Terway's AccessKey and the Secret that holds it, as one resource: a new key is created and written to the Secret
 * in one action, the keys the Secret does not hold are orphans (reported, or deleted when the spec allows it), and
 * Terway, which reads its key only when its daemon starts, is restarted when it must pick a new key up. Destroy
 * deletes the Secret hybridcni wrote and the keys of the user hybridcni created, never a Secret whose key was
 * adopted. Reads the user's AccessKeys, the spec's Secret (its keys' value hashes, type and labels) and the Terway
 * DaemonSet (which Secret it reads, and for which key hybridcni last restarted it).
 */
final class AccessKeySecretUnit implements ResourceUnit {

  @Override
  public List<DetailRules<?>> details() {
    return List.of(
        new DetailRules<>(ActionDetail.OrphanAccessKey.class,
            // An orphan is a key the spec's Secret does not hold: deleting it relies on what that Secret holds.
            (d, spec) -> Set.of(Facts.ramAccessKeys(d.userName()),
                Facts.secret(spec.secretNamespace(), spec.secretName())),
            d -> Set.of(Facts.ramAccessKeys(d.userName())),
            (d, state, keys) -> state.toBuilder().ram(state.ram().withAccessKeys(state.ram().accessKeys().stream()
                .filter(k -> !k.id().equals(d.accessKeyId())).toList())).build()),
        new DetailRules<>(ActionDetail.AccessKeySecret.class,
            (d, spec) -> Set.of(Facts.ramUser(d.userName()), Facts.ramAccessKeys(d.userName()),
                Facts.secret(d.secretNamespace(), d.secretName())),
            d -> Set.of(Facts.ramAccessKeys(d.userName()), Facts.secret(d.secretNamespace(), d.secretName())),
            AccessKeySecretUnit::newKeyInSecret),
        new DetailRules<>(ActionDetail.TerwayRestart.class,
            // The DaemonSet's placement and update strategy (an OnDelete DaemonSet restarts nothing, so the restart
            // is refused), and the Secret whose key the restart brings to Terway (written just before when the plan
            // writes a new key). Someone else's restart since the plan is not a change it relies on: one more
            // restart is harmless.
            (d, spec) -> Set.of(Facts.workload(d.daemonSet()), Facts.secret(d.secretNamespace(), d.secretName())),
            d -> Set.of(Facts.workload(d.daemonSet())),
            (d, state, keys) -> restartTerway(state, d)),
        new DetailRules<>(ActionDetail.SecretDeletion.class,
            (d, spec) -> Set.of(Facts.secret(d.namespace(), d.name())),
            d -> Set.of(Facts.secret(d.namespace(), d.name())),
            (d, state, keys) -> state.toBuilder().secret(SecretFacts.absent(d.namespace(), d.name())).build()),
        new DetailRules<>(ActionDetail.AccessKeyDeletion.class,
            (d, spec) -> Set.of(Facts.ramUser(d.userName()), Facts.ramUserComments(d.userName()),
                Facts.ramAccessKeys(d.userName())),
            d -> Set.of(Facts.ramAccessKeys(d.userName())),
            (d, state, keys) -> state.toBuilder().ram(state.ram().withAccessKeys(state.ram().accessKeys().stream()
                .filter(k -> !k.id().equals(d.accessKeyId())).toList())).build()));
  }

  /** The new key, under a stand-in id, held by the user and written to the Secret, which hybridcni now manages. */
  private static ObservedState newKeyInSecret(ActionDetail.AccessKeySecret d, ObservedState state,
      PlannedState.NewKeys keys) {
    String id = keys.next();
    List<RamFacts.AccessKey> all = new ArrayList<>(state.ram().accessKeys());
    all.add(new RamFacts.AccessKey(id, "Active", null));
    SecretFacts old = state.secret();
    Map<String, String> labels = new TreeMap<>(old != null && old.present() ? old.labels() : Map.of());
    labels.put(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE);
    SecretFacts secret = new SecretFacts(d.secretNamespace(), d.secretName(), true, "Opaque",
        old == null ? null : old.resourceVersion(),
        Map.of(ACCESS_KEY_ID, ValueHash.of(id), ACCESS_KEY_SECRET, ValueHash.of("simulated-secret-of-" + id)),
        labels);
    return state.toBuilder().ram(state.ram().withAccessKeys(all)).secret(secret).build();
  }

  /**
   * Terway restarted for the key its Secret holds now: the pod template carries that key's hash in the restart
   * annotation (its pods, placement and Secrets stay as they are; the new {@code resourceVersion} is the API
   * server's, so the old one stands in for it).
   */
  private static ObservedState restartTerway(ObservedState state, ActionDetail.TerwayRestart d) {
    TerwayFacts terway = state.terway();
    SecretFacts secret = state.secret();
    if (terway == null || !terway.daemonSet().ref().equals(d.daemonSet()) || secret == null || !secret.present()
        || !secret.namespace().equals(d.secretNamespace()) || !secret.name().equals(d.secretName())) {
      return state;
    }
    return state.toBuilder().terway(terway.withRestartedForKey(secret.valueHashes().get(ACCESS_KEY_ID))).build();
  }

  @Override
  public List<Draft> plan(UnitRun.Forward run, List<Draft> after) {
    if (run.adoption != null) {
      // An adopted key is already in the Secret Terway reads: nothing is written, so nothing to restart.
      return List.of();
    }
    Forward f = new Forward(run);
    Draft secret = f.planAccessKeySecret(after);
    Draft restart = f.planTerwayRestart(secret);
    List<Draft> answered = new ArrayList<>();
    if (secret != null) {
      answered.add(secret);
    }
    if (restart != null) {
      answered.add(restart);
    }
    return List.copyOf(answered);
  }

  /**
   * Deletes the Secret after the addon that read it, then the keys of the user hybridcni created; answers the key
   * deletions, which the user's deletion follows.
   */
  @Override
  public List<Draft> planDestroy(UnitRun.Destroy run, List<Draft> after) {
    Draft secretDeletion = planSecretDeletion(run, after);
    if (!run.ours) {
      return List.of();
    }
    String userName = run.userName;
    List<Draft> keys = new ArrayList<>();
    for (RamFacts.AccessKey key : run.s.ram().accessKeys()) {
      SecretFacts secret = run.s.secret();
      boolean inSecret = secret != null && secret.present() && secret.holds(ACCESS_KEY_ID, key.id());
      Draft d = new Draft("access-key-" + key.id(), ActionKind.DELETE_ACCESS_KEY, ChangeType.DELETE,
          "ram/user/" + userName + "/access-key/" + key.id(),
          "AccessKey " + key.id() + " belongs to user " + userName + ", which hybridcni created"
              + (inSecret ? "; it is the key the Secret holds." : "; no Secret holds it."),
          List.of(new FieldChange("access_key_id", ChangeValues.text(key.id()), null),
              new FieldChange("status", ChangeValues.text(key.status()), null)),
          new ActionDetail.AccessKeyDeletion(userName, key.id(), run.spec.secretNamespace(),
              run.spec.secretName()));
      if (secretDeletion != null) {
        d.dependOn(secretDeletion);
      } else {
        d.dependOnAll(after);
      }
      keys.add(run.add(d));
    }
    return List.copyOf(keys);
  }

  private static Draft planSecretDeletion(UnitRun.Destroy run, List<Draft> after) {
    HybridNetworkSpec spec = run.spec;
    String ns = spec.secretNamespace();
    String name = spec.secretName();
    SecretFacts secret = run.s.secret();
    if (secret == null || !secret.present() || !secret.namespace().equals(ns) || !secret.name().equals(name)) {
      return null;
    }
    SecretAdoption adoption = run.adoption;
    if (adoption != null) {
      run.findings.add(Finding.note("ADOPTED_SECRET_KEPT", "Secret " + ns + "/" + name + " holds the AccessKey of "
          + "RAM user " + adoption.userName() + " that hybridcni adopted (it never wrote the Secret, which carries "
          + "no " + SecretFacts.MANAGED_BY_LABEL + "=" + SecretFacts.MANAGED_BY_VALUE + " label): the Secret, the "
          + "key and the user are kept; only the policy hybridcni attaches is detached.",
          List.of("access-key-id " + adoption.owner().accessKeyId())));
      return null;
    }
    if (!secret.managedByHybridCni()) {
      run.findings.add(Finding.blocker("NOT_MANAGED_BY_HYBRIDCNI", "Secret " + ns + "/" + name + " lacks the label "
          + SecretFacts.MANAGED_BY_LABEL + "=" + SecretFacts.MANAGED_BY_VALUE + ": hybridcni did not write it and "
          + "will not delete it. Delete it by hand if it should go, or point secret.name at the Secret hybridcni "
          + "wrote.", List.of("Secret keys " + secret.keys(), "labels " + secret.labels())));
      return null;
    }
    List<FieldChange> changes = new ArrayList<>();
    if (secret.type() != null) {
      changes.add(new FieldChange("secret.type", ChangeValues.text(secret.type()), null));
    }
    for (String key : secret.keys()) {
      changes.add(new FieldChange("secret.data." + key, ChangeValues.text(ChangeValues.SENSITIVE), null));
    }
    changes.add(new FieldChange("secret.metadata.labels." + SecretFacts.MANAGED_BY_LABEL,
        ChangeValues.text(SecretFacts.MANAGED_BY_VALUE), null));
    Draft d = new Draft("secret-deletion", ActionKind.DELETE_SECRET, ChangeType.DELETE,
        "kubernetes/" + ns + "/Secret/" + name,
        "Secret " + ns + "/" + name + " holds the AccessKey hybridcni wrote for Terway (labelled "
            + SecretFacts.MANAGED_BY_LABEL + "=" + SecretFacts.MANAGED_BY_VALUE + ").",
        changes, new ActionDetail.SecretDeletion(ns, name));
    d.dependOnAll(after);
    return run.add(d);
  }

  /** One forward planning of the key, its Secret and Terway's restart. */
  private static final class Forward extends UnitStep {
    Forward(UnitRun run) {
      super(run);
    }

    Draft planAccessKeySecret(List<Draft> after) {
      String userName = spec.ramUserName();
      String ns = spec.secretNamespace();
      String name = spec.secretName();
      SecretFacts secret = s.secret() != null && s.secret().present() && s.secret().namespace().equals(ns)
          && s.secret().name().equals(name) ? s.secret() : null;
      List<RamFacts.AccessKey> keys = RamUserUnit.exists(run) ? s.ram().accessKeys() : List.of();
      RamFacts.AccessKey held = secret == null ? null
          : keys.stream().filter(k -> secret.holds(ACCESS_KEY_ID, k.id())).findFirst().orElse(null);
      boolean complete = secret != null && secret.valueHashes().containsKey(ACCESS_KEY_ID)
          && secret.valueHashes().containsKey(ACCESS_KEY_SECRET) && "Opaque".equals(secret.type());
      String secretAddress = "kubernetes/" + ns + "/Secret/" + name;

      if (held != null && held.active() && complete) {
        List<RamFacts.AccessKey> orphans = keys.stream().filter(k -> k != held).toList();
        planOrphans(orphans);
        return null;
      }
      if (secret != null && held == null && !secret.managedByHybridCni()
          && secret.valueHashes().containsKey(ACCESS_KEY_ID)) {
        findings.add(Finding.blocker("SECRET_NOT_MANAGED", "Secret " + ns + "/" + name + " exists, was not "
            + "created by hybridcni and holds an AccessKey that is not one of user " + userName + "'s; hybridcni "
            + "will not overwrite it. Delete it, or point secret.name at another Secret.",
            List.of("Secret keys " + secret.keys(), "labels " + secret.labels())));
        return null;
      }
      // Every key the user holds now is unusable for the Secret (its secret cannot be read back), so each one
      // becomes an orphan once the new key is written.
      List<RamFacts.AccessKey> orphans = keys;
      // But the key the Secret names (disabled, or in an incomplete Secret) stays until the new key is written: a
      // run that stops in between must leave the Secret naming a key that exists. The limit never needs it gone
      // first, since 2 keys with one in the Secret leave an orphan to delete.
      List<RamFacts.AccessKey> orphansFirst = keys.stream().filter(k -> k != held).toList();
      if (keys.size() >= MAX_ACCESS_KEYS) {
        if (!spec.deleteOrphanAccessKeys()) {
          findings.add(Finding.blocker("ACCESS_KEY_LIMIT", "User " + userName + " already holds " + keys.size()
              + " AccessKeys (RAM allows " + MAX_ACCESS_KEYS + ") and the Secret holds none of them, so no new key "
              + "can be created. Delete one, or set ram.deleteOrphanAccessKeys: true.",
              keys.stream().map(k -> "AccessKey " + k.id() + " (" + k.status() + ")").toList()));
          return null;
        }
      }
      List<Draft> deletions = spec.deleteOrphanAccessKeys() ? planOrphans(orphansFirst)
          : planOrphans(orphans);
      List<FieldChange> changes = new ArrayList<>();
      changes.add(new FieldChange("ram.access_key", held == null ? null : ChangeValues.text(held.id()),
          ChangeValues.text(ChangeValues.KNOWN_AFTER_APPLY)));
      changes.add(new FieldChange("secret.type", secret == null ? null : ChangeValues.text(secret.type()),
          ChangeValues.text("Opaque")));
      for (String key : List.of(ACCESS_KEY_ID, ACCESS_KEY_SECRET)) {
        changes.add(new FieldChange("secret.data." + key,
            secret != null && secret.valueHashes().containsKey(key) ? ChangeValues.text(ChangeValues.SENSITIVE) : null,
            ChangeValues.text(ChangeValues.SENSITIVE + " " + ChangeValues.KNOWN_AFTER_APPLY)));
      }
      changes.add(new FieldChange("secret.metadata.labels." + SecretFacts.MANAGED_BY_LABEL,
          secret == null ? null : ChangeValues.text(secret.labels().get(SecretFacts.MANAGED_BY_LABEL)),
          ChangeValues.text(SecretFacts.MANAGED_BY_VALUE)));
      changes.removeIf(c -> c.before() != null && c.before().equals(c.after()));
      String reason;
      if (secret == null) {
        reason = "Secret " + ns + "/" + name + " does not exist: a new AccessKey of " + userName
            + " is created and written to it at once (deleted again if that write fails).";
      } else if (held == null) {
        reason = "Secret " + ns + "/" + name + " holds no AccessKey of " + userName + ": a new key is created and "
            + "written to it.";
      } else if (!held.active()) {
        reason = "The AccessKey " + held.id() + " in Secret " + ns + "/" + name + " is " + held.status()
            + ": a new key replaces it.";
      } else {
        reason = "Secret " + ns + "/" + name + " lacks " + ACCESS_KEY_ID + "/" + ACCESS_KEY_SECRET
            + " or is not Opaque: a new key is created and the Secret rewritten.";
      }
      Draft d = new Draft("access-key-secret", ActionKind.ENSURE_ACCESS_KEY_SECRET,
          secret == null ? ChangeType.CREATE : ChangeType.UPDATE, secretAddress, reason, changes,
          new ActionDetail.AccessKeySecret(userName, ns, name, secret != null));
      d.dependOnAll(after);
      deletions.forEach(d::dependOn);
      add(d);
      if (held != null && spec.deleteOrphanAccessKeys()) {
        add(new Draft("orphan-access-key-" + held.id(), ActionKind.DELETE_ORPHAN_ACCESS_KEY, ChangeType.DELETE,
            "ram/user/" + userName + "/access-key/" + held.id(),
            "AccessKey " + held.id() + " of " + userName + ", which Secret " + ns + "/" + name + " holds now, is "
                + (held.active() ? "in an incomplete Secret" : held.status()) + ": once the new key is written to "
                + "the Secret it is an orphan, and the spec allows deleting orphan keys.",
            List.of(new FieldChange("access_key_id", ChangeValues.text(held.id()), null),
                new FieldChange("status", ChangeValues.text(held.status()), null)),
            new ActionDetail.OrphanAccessKey(userName, held.id(), ns, name))).dependOn(d);
      }
      return d;
    }

    // ---- the new key reaching Terway -----------------------------------------------------------------------

    /**
     * Terway reads its AccessKey once, when its daemon starts (AliyunContainerService/terway
     * {@code types/daemon/config.go} GetConfigFromFileWithMerge reads {@code /var/alibaba-addon-secret/access-key-id}
     * and {@code access-key-secret}; {@code daemon/builder.go} builds one static AKPairProvider from them): a key
     * written into the Secret its pods read reaches them only by a restart. The restart is planned when the plan
     * writes a new key ({@code secret} not null) into a Secret the installed Terway DaemonSet reads; or, when it
     * writes none, when Terway was last restarted (by hybridcni, its annotation says) for another key than the one
     * in the Secret now, or when a key is about to be deleted as an orphan while it cannot be known which key
     * Terway's pods run with (a hybridcni-managed Secret, no restart annotation): a run that stopped between
     * writing the key and restarting Terway converges so. Every orphan key deletion then waits for the restart,
     * except those that must go first to make room for the new key (RAM's limit of two). No restart when Terway
     * is not installed: the addon, installed after the Secret, reads the new key when it starts.
     */
    Draft planTerwayRestart(Draft secret) {
      TerwayFacts terway = s.terway();
      String ns = spec.secretNamespace();
      String name = spec.secretName();
      if (terway == null || !terway.readsSecret(ns, name)) {
        return null;
      }
      List<Draft> orphanDeletions = run.planned(ActionKind.DELETE_ORPHAN_ACCESS_KEY);
      SecretFacts current = s.secret() != null && s.secret().present() && s.secret().namespace().equals(ns)
          && s.secret().name().equals(name) ? s.secret() : null;
      String keyHash = current == null ? null : current.valueHashes().get(ACCESS_KEY_ID);
      String reason;
      if (secret != null) {
        reason = "Terway reads its AccessKey only when its daemon starts, and its pods read Secret " + ns + "/"
            + name + ", into which a new key is written: its pods are restarted (as kubectl rollout restart does) "
            + "and the rollout is waited for, before any old key is deleted.";
      } else if (terway.restartedForKey() != null && !terway.restartedForKey().equals(keyHash)) {
        reason = "Terway was last restarted for another AccessKey than the one Secret " + ns + "/" + name
            + " holds now, so its pods still run with the old key: they are restarted and the rollout is waited "
            + "for" + (orphanDeletions.isEmpty() ? "." : ", before any old key is deleted.");
      } else if (terway.restartedForKey() == null && !orphanDeletions.isEmpty() && current != null
          && current.managedByHybridCni()) {
        reason = "An old AccessKey is to be deleted, and nothing says Terway's pods were restarted since hybridcni "
            + "wrote the key Secret " + ns + "/" + name + " holds: they are restarted and the rollout is waited "
            + "for first, so that no pod still runs with the key being deleted.";
      } else {
        return null;
      }
      WorkloadRef ref = terway.daemonSet().ref();
      Draft d = new Draft("terway-restart", ActionKind.RESTART_TERWAY, ChangeType.UPDATE,
          "kubernetes/" + ref.address(), reason,
          List.of(new FieldChange("spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt", null,
                  ChangeValues.text(ChangeValues.KNOWN_AFTER_APPLY)),
              new FieldChange("spec.template.metadata.annotations." + TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION,
                  terway.restartedForKey() == null ? null : ChangeValues.text(terway.restartedForKey()),
                  ChangeValues.text(secret == null && keyHash != null ? keyHash : ChangeValues.KNOWN_AFTER_APPLY)),
              new FieldChange("rollout", null, ChangeValues.text("every pod updated and available"))),
          new ActionDetail.TerwayRestart(ref, ns, name));
      d.dependOn(secret);
      add(d);
      for (Draft orphan : orphanDeletions) {
        boolean neededFirst = secret != null && secret.dependsOn.contains(orphan.id)
            && s.ram().accessKeys().size() >= MAX_ACCESS_KEYS;
        if (neededFirst) {
          continue;
        }
        // An old key goes only once every Terway pod runs with the new one: it may be the key they run with.
        if (secret != null) {
          secret.dependsOn.remove(orphan.id);
          orphan.dependOn(secret);
        }
        orphan.dependOn(d);
      }
      return d;
    }

    private List<Draft> planOrphans(List<RamFacts.AccessKey> orphans) {
      if (orphans.isEmpty()) {
        return List.of();
      }
      String userName = spec.ramUserName();
      if (!spec.deleteOrphanAccessKeys()) {
        findings.add(Finding.warning("ORPHAN_ACCESS_KEYS", "User " + userName + " holds AccessKeys that Secret "
            + spec.secretNamespace() + "/" + spec.secretName() + " does not: " + orphans.stream()
                .map(RamFacts.AccessKey::id).toList() + ". They are kept; set ram.deleteOrphanAccessKeys: true "
            + "to delete them.", orphans.stream().map(k -> "AccessKey " + k.id() + " (" + k.status() + ")")
                .toList()));
        return List.of();
      }
      List<Draft> result = new ArrayList<>();
      for (RamFacts.AccessKey key : orphans) {
        result.add(add(new Draft("orphan-access-key-" + key.id(), ActionKind.DELETE_ORPHAN_ACCESS_KEY,
            ChangeType.DELETE, "ram/user/" + userName + "/access-key/" + key.id(),
            "AccessKey " + key.id() + " of " + userName + " is not held by the Secret and the spec allows "
                + "deleting orphan keys.",
            List.of(new FieldChange("access_key_id", ChangeValues.text(key.id()), null),
                new FieldChange("status", ChangeValues.text(key.status()), null)),
            new ActionDetail.OrphanAccessKey(userName, key.id(), spec.secretNamespace(),
                spec.secretName()))));
      }
      return result;
    }
  }
}
