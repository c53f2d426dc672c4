package io.hybridcni.controller.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * Where a registered cluster's kubeconfig lives, for the fleet mode: one controller in a hub cluster keeps many
 * registered clusters, each described by a {@link HybridNetwork} whose {@code spec.kubeconfigSecretRef} names a Secret
 * in the resource's own namespace. The fleet mode reads it; a controller that keeps its own cluster ignores it, and it
 * is not part of the network's spec, so it never reaches {@code SpecFiles}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KubeconfigSecretRef {

  @Required
  @JsonPropertyDescription("The Secret, in the HybridNetwork's namespace, that holds the registered cluster's "
      + "kubeconfig.")
  private String name;
  @JsonPropertyDescription("The key of the Secret's data holding the kubeconfig. Default kubeconfig.")
  private String key;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KubeconfigSecretRef other && Objects.equals(name, other.name) && Objects.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, key);
  }

  @Override
  public String toString() {
    return "KubeconfigSecretRef[name=" + name + ", key=" + key + "]";
  }
}
