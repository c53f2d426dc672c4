package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.controller.resource.KubeconfigSecretRef;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.Sensitive;
import io.hybridcni.kube.SafeHttpLogging;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A member cluster's kubeconfig as the fleet reads it from the hub: the Secret {@code spec.kubeconfigSecretRef} names,
 * in the HybridNetwork's namespace, key {@code kubeconfig} unless the ref names another. Every refusal is one line
 * naming the Secret, the key and what was expected; none quotes the kubeconfig, which holds the member's credentials.
 *
 * <p>Only inline credentials are accepted (a {@code token}, {@code client-certificate-data} and
 * {@code client-key-data}, a user name and password). A kubeconfig whose user runs a command ({@code exec}), asks an
 * {@code auth-provider}, or names a file ({@code tokenFile}, {@code client-certificate}, {@code client-key},
 * {@code certificate-authority}) is refused: whoever may write a Secret in the namespace would otherwise run a program
 * in the controller's pod, or have it send a file of the pod (its own service account token) to a server of their
 * choosing.
 */
final class MemberKubeconfig {

  static final String DEFAULT_KEY = "kubeconfig";

  private final String source;
  private final String digest;
  private final Config config;
  private final Sensitive sensitive;

  private MemberKubeconfig(String source, String digest, Config config, Sensitive sensitive) {
    this.source = source;
    this.digest = digest;
    this.config = config;
    this.sensitive = sensitive;
  }

  /** A Secret that cannot give the member's kubeconfig: the message names the Secret and key, never the content. */
  static final class Unavailable extends HybridCniException {
    private static final long serialVersionUID = 1L;
    private final boolean readFailed;

    Unavailable(String message) {
      this(message, false);
    }

    Unavailable(String message, boolean readFailed) {
      super(message);
      this.readFailed = readFailed;
    }

    /**
     * The hub did not answer the read (a timeout, a 5xx, a refusal): says nothing about the Secret itself, so a
     * member that runs keeps running.
     */
    boolean readFailed() {
      return readFailed;
    }
  }

  /** Where a ref points, for messages: {@code Secret <namespace>/<name> key <key>}. */
  static String describe(String namespace, KubeconfigSecretRef ref) {
    return "Secret " + namespace + "/" + ref.getName() + " key " + key(ref);
  }

  static String key(KubeconfigSecretRef ref) {
    return ref.getKey() == null || ref.getKey().isBlank() ? DEFAULT_KEY : ref.getKey();
  }

  /**
   * Reads and checks the kubeconfig {@code ref} names in {@code namespace} of the hub.
   *
   * @throws Unavailable when the Secret or key is missing, cannot be read, or holds no kubeconfig the fleet accepts
   */
  static MemberKubeconfig read(KubernetesClient hub, String namespace, KubeconfigSecretRef ref) {
    String where = describe(namespace, ref);
    if (ref.getName() == null || ref.getName().isBlank()) {
      throw new Unavailable("spec.kubeconfigSecretRef.name: expected the name of a Secret in namespace " + namespace
          + " holding the cluster's kubeconfig, found none");
    }
    Secret secret;
    try {
      secret = hub.secrets().inNamespace(namespace).withName(ref.getName()).get();
    } catch (KubernetesClientException e) {
      String why = e.getCode() > 0 ? "HTTP " + e.getCode() + (e.getStatus() != null
          && e.getStatus().getReason() != null ? " " + e.getStatus().getReason() : "")
          : "no answer from the hub: " + rootCauseName(e);
      throw new Unavailable(where + ": could not be read (" + why + "); expected a Secret hybridcni may get in "
          + "namespace " + namespace, true);
    }
    if (secret == null) {
      throw new Unavailable(where + ": expected a Secret " + ref.getName() + " in namespace " + namespace
          + " holding the cluster's kubeconfig, found no such Secret");
    }
    String key = key(ref);
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String encoded = data.get(key);
    if (encoded == null) {
      throw new Unavailable(where + ": expected the kubeconfig in data." + key + ", found the keys "
          + new TreeSet<>(data.keySet()));
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new Unavailable(where + ": expected base64 in data." + key + " (as the API server returns it), found "
          + "something that does not decode");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    io.fabric8.kubernetes.api.model.Config parsed;
    try {
      parsed = hub.getKubernetesSerialization().unmarshal(text, io.fabric8.kubernetes.api.model.Config.class);
    } catch (RuntimeException e) {
      throw notKubeconfig(where, "YAML that does not parse as one");
    }
    if (parsed == null || parsed.getClusters() == null || parsed.getClusters().isEmpty()) {
      throw notKubeconfig(where, "no clusters");
    }
    refuseOutsideReferences(where, parsed);
    Config config;
    try {
      config = Config.fromKubeconfig(text);
    } catch (RuntimeException e) {
      throw notKubeconfig(where, "one fabric8 cannot use (" + e.getClass().getSimpleName() + ")");
    }
    if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw notKubeconfig(where, "no server URL in its current context");
    }
    return new MemberKubeconfig(where, sha256(bytes), config, credentials(parsed));
  }

  private static String rootCauseName(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  private static Unavailable notKubeconfig(String where, String found) {
    return new Unavailable(where + ": expected a kubeconfig (YAML with clusters, users and a current context), found "
        + found);
  }

  private static void refuseOutsideReferences(String where, io.fabric8.kubernetes.api.model.Config parsed) {
    List<String> refused = new ArrayList<>();
    for (NamedAuthInfo named : parsed.getUsers() == null ? List.<NamedAuthInfo>of() : parsed.getUsers()) {
      AuthInfo user = named.getUser();
      if (user == null) {
        continue;
      }
      String who = "user " + named.getName();
      if (user.getExec() != null) {
        refused.add(who + " exec");
      }
      if (user.getAuthProvider() != null) {
        refused.add(who + " auth-provider");
      }
      if (user.getTokenFile() != null) {
        refused.add(who + " tokenFile");
      }
      if (user.getClientCertificate() != null) {
        refused.add(who + " client-certificate");
      }
      if (user.getClientKey() != null) {
        refused.add(who + " client-key");
      }
    }
    for (NamedCluster named : parsed.getClusters()) {
      Cluster cluster = named.getCluster();
      if (cluster != null && cluster.getCertificateAuthority() != null) {
        refused.add("cluster " + named.getName() + " certificate-authority");
      }
    }
    if (!refused.isEmpty()) {
      throw new Unavailable(where + ": expected inline credentials only (token, client-certificate-data, "
          + "client-key-data, certificate-authority-data), found " + String.join(", ", refused) + ", which run a "
          + "command or read a file of the controller's pod");
    }
  }

  /** Every credential the kubeconfig holds, for masking whatever a member writes into its status. */
  private static Sensitive credentials(io.fabric8.kubernetes.api.model.Config parsed) {
    List<String> values = new ArrayList<>();
    for (NamedAuthInfo named : parsed.getUsers() == null ? List.<NamedAuthInfo>of() : parsed.getUsers()) {
      AuthInfo user = named.getUser();
      if (user != null) {
        for (String value : java.util.Arrays.asList(user.getToken(), user.getPassword(), user.getClientKeyData())) {
          if (value != null && !value.isBlank()) {
            values.add(value);
          }
        }
      }
    }
    return Sensitive.of(values);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Changes when the kubeconfig's bytes change; compared only, never logged. */
  String digest() {
    return digest;
  }

  /** The API server's URL (no credential in it). */
  String server() {
    return config.getMasterUrl();
  }

  /** The kubeconfig's credentials (token, password, client key), to mask in what the member writes. */
  Sensitive sensitive() {
    return sensitive;
  }

  /** Where the kubeconfig came from, for messages. */
  String source() {
    return source;
  }

  /**
   * A client for the member on the fleet's {@code shared} parts, with bounded timeouts, so that a server that hangs
   * fails each request rather than the member's loop: {@code connect} to connect, {@code request} per request, and
   * {@code retries} retries of a failed connection. Its HTTP logging is {@link SafeHttpLogging}'s (fabric8's would
   * write the bearer token).
   */
  KubernetesClient client(MemberClients shared, Duration connect, Duration request, int retries) {
    Config bounded = new ConfigBuilder(config)
        .withConnectionTimeout((int) connect.toMillis())
        .withRequestTimeout((int) request.toMillis())
        .withRequestRetryBackoffLimit(retries)
        .withRequestRetryBackoffInterval(100)
        .build();
    return shared.client(bounded);
  }

  @Override
  public String toString() {
    return "MemberKubeconfig[" + source + ", server " + server() + "]";
  }
}
