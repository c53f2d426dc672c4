package io.hybridcni.testkit.kube;

/**
 * Kubeconfig texts of simulated registered clusters, as a fleet hub's Secret holds them: inline credentials only, as
 * the fleet accepts (no {@code exec}, no file), one cluster, user and context.
 */
public final class Kubeconfigs {

  private Kubeconfigs() {}

  /**
   * A kubeconfig for the API server at {@code server} whose cluster, context and current context are named
   * {@code name}, with the token {@code member-token-<name>} (a test may replace it to show a rotation).
   */
  public static String withToken(String name, String server) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: hybridcni
          user:
            token: member-token-%1$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: hybridcni
        current-context: %1$s
        """.formatted(name, server);
  }
}
