package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.port.CloudObserver;
import io.hybridcni.port.NetworkStatusObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the fleet builds what one member's controller writes and reads through, once it has the member cluster's
 * client and the account's shared Aliyun connection. {@link StandardMemberWiring} wires exactly what
 * {@code hybridcni apply} uses; a test wraps its executors.
 */
@FunctionalInterface
public interface MemberWiring {

  /**
   * The parts of the member for {@code spec}.
   *
   * @param cluster the member cluster's client, built by the fleet from the kubeconfig Secret (the fleet closes it)
   * @param account the fleet's one connection to Alibaba Cloud for the spec's region, metered by the account's one
   *     call limiter: every RAM and CS call of the member must go through it
   */
  Parts wire(HybridNetworkSpec spec, KubernetesClient cluster, AliyunConnection account);

  /**
   * What a member is built from.
   *
   * @param applyLock the apply Lease in the member cluster, as {@code hybridcni apply} takes it there
   * @param writer builds the Reconciler {@code apply} would use around the lock the controller gives it
   * @param cloud the cloud observer the rounds plan with
   * @param status the network status observer, or {@code null} for none
   * @param onClose what to close with the member (observers holding threads), or {@code null}
   */
  record Parts(ApplyLock applyLock, Function<ApplyLock, Reconciler> writer, CloudObserver cloud,
      NetworkStatusObserver status, AutoCloseable onClose) {

    public Parts {
      Objects.requireNonNull(applyLock, "applyLock");
      Objects.requireNonNull(writer, "writer");
      Objects.requireNonNull(cloud, "cloud");
    }
  }
}
