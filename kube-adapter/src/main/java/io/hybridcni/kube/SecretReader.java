package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.ValueHash;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a Secret into {@link SecretFacts}: presence, type, resourceVersion, labels and a {@link ValueHash} of each
 * value. The decoded values live only inside {@link #facts} and are never logged or returned.
 */
final class SecretReader {

  private final KubernetesClient client;

  SecretReader(KubernetesClient client) {
    this.client = client;
  }

  SecretFacts read(String namespace, String name) {
    Secret secret = get(client, namespace, name);
    return secret == null ? SecretFacts.absent(namespace, name) : facts(secret);
  }

  static Secret get(KubernetesClient client, String namespace, String name) {
    return KubeOperation.get("", "secrets", namespace, name)
        .run(() -> client.secrets().inNamespace(namespace).withName(name).get());
  }

  static SecretFacts facts(Secret secret) {
    Map<String, String> hashes = new TreeMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, encoded) -> hashes.put(key, ValueHash.of(decode(encoded))));
    }
    return new SecretFacts(secret.getMetadata().getNamespace(), secret.getMetadata().getName(), true,
        secret.getType(), secret.getMetadata().getResourceVersion(), hashes, secret.getMetadata().getLabels());
  }

  private static byte[] decode(String encoded) {
    if (encoded == null) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      // The API server only stores valid base64; a mangled value still hashes to something stable.
      return encoded.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
