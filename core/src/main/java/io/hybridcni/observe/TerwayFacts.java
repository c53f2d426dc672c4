package io.hybridcni.observe;

import java.util.List;
import java.util.Objects;

/**
 * The Terway DaemonSet as observed, with its placement rules; {@code null} in the state when not installed.
 *
 * <p>{@code secretNames} are the Secrets its pod template reads (secret volumes, {@code secretKeyRef} and
 * {@code secretRef} env), all in the DaemonSet's own namespace, as Kubernetes resolves them; sorted, each once.
 * {@code restartedForKey} is the value of the pod-template annotation {@link #RESTARTED_FOR_KEY_ANNOTATION} that
 * hybridcni writes when it restarts Terway for a new AccessKey (the {@link ValueHash} of that key's id), or
 * {@code null} when the template has none.
 */
public record TerwayFacts(Workload daemonSet, List<String> secretNames, String restartedForKey) {

  /**
   * The pod-template annotation hybridcni sets when it restarts Terway: the {@link ValueHash} of the
   * {@code access-key-id} the restarted pods read. It tells a later run for which key Terway was last restarted.
   */
  public static final String RESTARTED_FOR_KEY_ANNOTATION = "hybridcni.io/restarted-for-access-key";

  public TerwayFacts {
    Objects.requireNonNull(daemonSet, "daemonSet");
    secretNames = secretNames == null ? List.of() : secretNames.stream().distinct().sorted().toList();
  }

  /** A DaemonSet whose pod template reads no Secret. */
  public TerwayFacts(Workload daemonSet) {
    this(daemonSet, List.of(), null);
  }

  /** Whether Terway's pods read the Secret {@code namespace/name}. */
  public boolean readsSecret(String namespace, String name) {
    return Objects.equals(daemonSet.ref().namespace(), namespace) && secretNames.contains(name);
  }

  public TerwayFacts withRestartedForKey(String keyHash) {
    return new TerwayFacts(daemonSet, secretNames, keyHash);
  }
}
