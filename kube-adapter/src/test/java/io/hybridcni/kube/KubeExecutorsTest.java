package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Kubernetes side's executors and the list of their kinds that wirings of the cloud side alone declare. */
@EnableKubeApiMock
class KubeExecutorsTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void kindsNamesExactlyTheKindsItsExecutorsRunEachOnce() {
    Set<ActionKind> run = EnumSet.noneOf(ActionKind.class);
    for (ActionExecutor<?> executor : KubeExecutors.create(client)) {
      for (ActionKind kind : executor.kinds()) {
        assertThat(run.add(kind)).as("%s run by one executor only", kind).isTrue();
      }
    }

    assertThat(KubeExecutors.KINDS).as("KubeExecutors.KINDS").containsExactlyInAnyOrderElementsOf(run);
  }
}
