package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What hybridcni may know of a Secret without holding its values: whether it exists, its type, its key names, a
 * one-way hash of each value ({@link ValueHash}) and its labels. The values themselves never leave the observer.
 */
public record SecretFacts(String namespace, String name, boolean present, String type, String resourceVersion,
    Map<String, String> valueHashes, Map<String, String> labels) {

  /** The label that marks an object as created and managed by hybridcni. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "hybridcni";

  public SecretFacts {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    valueHashes = Frozen.map(valueHashes);
    labels = Frozen.map(labels);
  }

  public static SecretFacts absent(String namespace, String name) {
    return new SecretFacts(namespace, name, false, null, null, Map.of(), Map.of());
  }

  /** The key names, sorted. */
  @JsonIgnore
  public List<String> keys() {
    return List.copyOf(valueHashes.keySet());
  }

  @JsonIgnore
  public boolean managedByHybridCni() {
    return MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY_LABEL));
  }

  /** Whether the value under {@code key} hashes to the hash of {@code plain}. */
  public boolean holds(String key, String plain) {
    String hash = valueHashes.get(key);
    return hash != null && hash.equals(ValueHash.of(plain));
  }
}
