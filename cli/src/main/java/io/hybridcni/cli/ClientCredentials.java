package io.hybridcni.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.error.Sensitive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The credentials a Kubernetes client holds, as {@link Sensitive} values, for masking whatever the controller writes
 * into a HybridNetwork's status: the bearer token (given, or the one fabric8 read from a service account token file
 * or got from an auth provider), the basic-auth password, the client key (its base64 {@code client-key-data} and
 * the PEM it decodes to), and the proxy password. Not the key's passphrase: fabric8 gives every client one,
 * {@code changeit}, a word, not a secret.
 *
 * <p>Read again at each write, since the token can change under a running client: fabric8's
 * {@code TokenRefreshInterceptor} writes a refreshed one (a rotated service-account token, a renewed OIDC token) to
 * the configuration's {@code autoOAuthToken}. The masking is built again only when the values changed.
 */
final class ClientCredentials implements Supplier<Sensitive> {

  private final KubernetesClient client;
  private List<String> lastValues;
  private Sensitive last = Sensitive.NONE;

  ClientCredentials(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public synchronized Sensitive get() {
    List<String> values = values(client.getConfiguration());
    if (!values.equals(lastValues)) {
      lastValues = values;
      last = Sensitive.of(values);
    }
    return last;
  }

  /** The secret values of {@code config}, blank ones left out. */
  static List<String> values(Config config) {
    List<String> values = new ArrayList<>();
    for (String value : Arrays.asList(config.getOauthToken(), config.getAutoOAuthToken(), config.getPassword(),
        config.getClientKeyData(), config.getProxyPassword())) {
      if (value != null && !value.isBlank()) {
        values.add(value);
      }
    }
    String keyData = config.getClientKeyData();
    if (keyData != null && !keyData.isBlank()) {
      try {
        values.add(new String(Base64.getMimeDecoder().decode(keyData), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException notBase64) {
        // Not a key fabric8 could use either; masked as it is.
      }
    }
    return values;
  }
}
