package io.hybridcni.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hybridcni.error.HybridCniException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
      String text;
      try {
        text = Files.readString(kubeconfig);
      } catch (IOException e) {
        throw new HybridCniException("Cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
      }
      try {
        config = Config.fromKubeconfig(context, text, kubeconfig.toString());
      } catch (RuntimeException e) {
        throw new HybridCniException("The kubeconfig " + kubeconfig + " cannot be used"
            + (context == null ? "" : " with context " + context) + ": " + e.getMessage(), e);
      }
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
