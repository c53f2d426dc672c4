package io.hybridcni.controller.resource;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Required;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code spec} of a {@link HybridNetwork}: exactly the body of a spec file (its {@code cluster}, {@code network},
 * {@code ram}, {@code secret}, {@code addon} and any section a later hybridcni adds), plus the fleet mode's
 * {@link #getKubeconfigSecretRef() kubeconfigSecretRef}.
 *
 * <p>Each section is held as the JSON the API server returned (maps, lists, strings, numbers, booleans), not as typed
 * fields, because {@link ResourceSpecs} hands it to {@code SpecFiles}' strict parser: a typed field would quietly turn
 * {@code id: 123} into {@code "123"}, or drop a misspelt field, where the parser names the field and what it expected.
 * The CRD still publishes each section's fields ({@link SpecSchema}) for {@code kubectl explain} and type checks.
 * Sections this class does not name are kept in {@link #getAdditionalSections()} and reach the parser too.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"cluster", "network", "ram", "secret", "addon", "kubeconfigSecretRef"})
@PreserveUnknownFields
public class HybridNetworkResourceSpec {

  @Required
  @SchemaFrom(type = SpecSchema.Cluster.class)
  @JsonPropertyDescription("Which registered cluster this is: its ACK cluster id and region.")
  private Object cluster;
  @SchemaFrom(type = SpecSchema.Network.class)
  @JsonPropertyDescription("The on-premises network: its mode, the cloud node label, the CNI to keep off cloud nodes.")
  private Object network;
  @SchemaFrom(type = SpecSchema.Ram.class)
  @JsonPropertyDescription("The RAM user, policy and AccessKey Terway uses.")
  private Object ram;
  @SchemaFrom(type = SpecSchema.Secret.class)
  @JsonPropertyDescription("The Kubernetes Secret that holds Terway's AccessKey.")
  private Object secret;
  @SchemaFrom(type = SpecSchema.Addon.class)
  @JsonPropertyDescription("The Terway addon ACK installs on the cloud nodes.")
  private Object addon;
  @JsonPropertyDescription("Fleet mode only: the Secret holding this registered cluster's kubeconfig.")
  private KubeconfigSecretRef kubeconfigSecretRef;

  private final Map<String, Object> additionalSections = new LinkedHashMap<>();

  public Object getCluster() {
    return cluster;
  }

  public void setCluster(Object cluster) {
    this.cluster = cluster;
  }

  public Object getNetwork() {
    return network;
  }

  public void setNetwork(Object network) {
    this.network = network;
  }

  public Object getRam() {
    return ram;
  }

  public void setRam(Object ram) {
    this.ram = ram;
  }

  public Object getSecret() {
    return secret;
  }

  public void setSecret(Object secret) {
    this.secret = secret;
  }

  public Object getAddon() {
    return addon;
  }

  public void setAddon(Object addon) {
    this.addon = addon;
  }

  /**
   * Where the fleet mode finds this registered cluster's kubeconfig; {@code null} for a controller that keeps the
   * cluster it runs in. Not part of the network's spec: {@link ResourceSpecs} leaves it out of what it parses.
   */
  public KubeconfigSecretRef getKubeconfigSecretRef() {
    return kubeconfigSecretRef;
  }

  public void setKubeconfigSecretRef(KubeconfigSecretRef kubeconfigSecretRef) {
    this.kubeconfigSecretRef = kubeconfigSecretRef;
  }

  /** The sections this class does not name (e.g. {@code controller}), in the order they came. */
  @JsonAnyGetter
  public Map<String, Object> getAdditionalSections() {
    return additionalSections;
  }

  @JsonAnySetter
  public void setAdditionalSection(String name, Object value) {
    additionalSections.put(name, value);
  }

  /** The network's spec as a spec file's body would hold it: every section but {@code kubeconfigSecretRef}. */
  Map<String, Object> sections() {
    Map<String, Object> body = new LinkedHashMap<>();
    putIfSet(body, "cluster", cluster);
    putIfSet(body, "network", network);
    putIfSet(body, "ram", ram);
    putIfSet(body, "secret", secret);
    putIfSet(body, "addon", addon);
    body.putAll(additionalSections);
    return body;
  }

  private static void putIfSet(Map<String, Object> body, String name, Object value) {
    if (value != null) {
      body.put(name, value);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HybridNetworkResourceSpec other && sections().equals(other.sections())
        && Objects.equals(kubeconfigSecretRef, other.kubeconfigSecretRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sections(), kubeconfigSecretRef);
  }

  /** The section names only: a spec holds no secret, but its values are for the parser, not for logs. */
  @Override
  public String toString() {
    return "HybridNetworkResourceSpec" + sections().keySet();
  }
}
