package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.IdentitySignal;
import io.hybridcni.observe.NodeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the cluster says about which ACK cluster it is: the {@value ClusterIdentity#NODE_LABEL} label of the
 * nodes already listed, and one GET of ACK's agent Deployment
 * ({@value ClusterIdentity#AGENT_NAMESPACE}/{@value ClusterIdentity#AGENT_NAME}). Of the agent only env vars and
 * flags named as a cluster id ({@link ClusterIdentity#agentClusterIdName}) with a literal value count: an env var
 * that takes its value from elsewhere ({@code valueFrom}) is not followed, so that no further object (a Secret
 * perhaps) is read. Nothing else about the agent is kept.
 */
final class ClusterIdentityReader {

  private final KubernetesClient client;

  ClusterIdentityReader(KubernetesClient client) {
    this.client = client;
  }

  /** The agent's Deployment, or {@code null} when there is none (a 403 is a failure, as for every read). */
  Deployment agent() {
    return KubeOperation.get("apps", "deployments", ClusterIdentity.AGENT_NAMESPACE, ClusterIdentity.AGENT_NAME)
        .run(() -> client.apps().deployments().inNamespace(ClusterIdentity.AGENT_NAMESPACE)
            .withName(ClusterIdentity.AGENT_NAME).get());
  }

  static ClusterIdentity identity(Deployment agent, List<NodeInfo> nodes) {
    List<IdentitySignal> signals = new ArrayList<>(ClusterIdentity.fromNodeLabels(nodes));
    if (agent != null) {
      signals.addAll(agentSignals(agent));
    }
    return new ClusterIdentity(agent != null, signals);
  }

  static List<IdentitySignal> agentSignals(Deployment agent) {
    List<IdentitySignal> signals = new ArrayList<>();
    if (agent.getSpec() == null || agent.getSpec().getTemplate() == null
        || agent.getSpec().getTemplate().getSpec() == null) {
      return signals;
    }
    String deployment = "Deployment " + agent.getMetadata().getNamespace() + "/" + agent.getMetadata().getName();
    List<Container> containers = new ArrayList<>();
    var pod = agent.getSpec().getTemplate().getSpec();
    if (pod.getInitContainers() != null) {
      containers.addAll(pod.getInitContainers());
    }
    if (pod.getContainers() != null) {
      containers.addAll(pod.getContainers());
    }
    for (Container c : containers) {
      String where = " of container " + c.getName() + " in " + deployment;
      if (c.getEnv() != null) {
        for (EnvVar env : c.getEnv()) {
          if (ClusterIdentity.agentClusterIdName(env.getName()) && env.getValue() != null
              && !env.getValue().isBlank()) {
            signals.add(new IdentitySignal(IdentitySignal.Kind.AGENT, env.getValue().trim(),
                "env " + env.getName() + where));
          }
        }
      }
      signals.addAll(flagSignals(c.getCommand(), where));
      signals.addAll(flagSignals(c.getArgs(), where));
    }
    return signals;
  }

  /** {@code --cluster-id=X} or {@code --cluster-id X} (any flag whose name ends in cluster id). */
  private static List<IdentitySignal> flagSignals(List<String> words, String where) {
    List<IdentitySignal> signals = new ArrayList<>();
    if (words == null) {
      return signals;
    }
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word == null || !word.startsWith("-")) {
        continue;
      }
      int eq = word.indexOf('=');
      String flag = eq < 0 ? word : word.substring(0, eq);
      if (!ClusterIdentity.agentClusterIdName(flag)) {
        continue;
      }
      String value = eq >= 0 ? word.substring(eq + 1)
          : i + 1 < words.size() && words.get(i + 1) != null && !words.get(i + 1).startsWith("-")
              ? words.get(i + 1) : null;
      if (value != null && !value.isBlank()) {
        signals.add(new IdentitySignal(IdentitySignal.Kind.AGENT, value.trim(), "flag " + flag + where));
      }
    }
    return signals;
  }
}
