package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hybridcni.error.HybridCniException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds fabric8 clients from a kubeconfig file, the way {@code kubectl --kubeconfig --context} would. */
public final class KubeconfigClients {

  private KubeconfigClients() {}

  /**
   * A client for {@code context} of the kubeconfig at {@code kubeconfig}.
   *
   * @param kubeconfig the kubeconfig file; {@code null} means fabric8's usual discovery ({@code KUBECONFIG},
   *     {@code ~/.kube/config}, in-cluster service account)
   * @param context the context to use; {@code null} means the file's current context
   * @throws HybridCniException when the file cannot be read or names no such context
   */
  public static KubernetesClient create(Path kubeconfig, String context) {
    Config config;
    if (kubeconfig == null) {
      config = Config.autoConfigure(context);
    } else {
      if (!Files.isReadable(kubeconfig)) {
        throw new HybridCniException("Cannot read the kubeconfig " + kubeconfig + ": no such readable file");
      }
      try {
        config = Config.fromKubeconfig(context, kubeconfig.toFile());
      } catch (RuntimeException e) {
        throw new HybridCniException("The kubeconfig " + kubeconfig + " cannot be used"
            + (context == null ? "" : " with context " + context) + ": " + e.getMessage(), e);
      }
      // fabric8 falls back to the current context when the named one does not exist; kubectl refuses, and so
      // does hybridcni: writing to another cluster than the one named would be far worse than stopping.
      if (context != null && (config.getCurrentContext() == null
          || !context.equals(config.getCurrentContext().getName()))) {
        List<String> known = config.getContexts() == null ? List.of()
            : config.getContexts().stream().map(NamedContext::getName).sorted().toList();
        throw new HybridCniException("The kubeconfig " + kubeconfig + " has no context " + context
            + "; it has " + known);
      }
    }
    // Never fabric8's own HTTP logging: at TRACE it writes the bearer token and every Secret (see SafeHttpLogging).
    return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(SafeHttpLogging.factory()).build();
  }
}
