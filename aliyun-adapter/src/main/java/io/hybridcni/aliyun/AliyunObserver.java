package io.hybridcni.aliyun;

import io.hybridcni.apply.DaemonThreads;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.port.CloudObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Reads RAM and ACK for a spec: the user (with its comments), the policy with its versions, default document and
 * attachment count, the user's attached policies and AccessKeys (ids and status), the cluster and its addon
 * instances. Independent reads run in parallel.
 */
public final class AliyunObserver implements CloudObserver {

  private static final Executor THREAD_PER_TASK = DaemonThreads.perTask("hybridcni-aliyun-observe");

  private final RamApi ram;
  private final AckApi ack;
  private final Executor executor;

  public AliyunObserver(RamApi ram, AckApi ack) {
    this(ram, ack, THREAD_PER_TASK);
  }

  public AliyunObserver(RamApi ram, AckApi ack, Executor executor) {
    this.ram = ram;
    this.ack = ack;
    this.executor = executor;
  }

  @Override
  public CloudFacts observe(HybridNetworkSpec spec) {
    String user = spec.ramUserName();
    String policy = spec.ramPolicyName();
    var userFuture = async(() -> ram.getUser(user));
    var policyFuture = async(() -> ram.getPolicy(policy, "Custom"));
    var versionsFuture = policyFuture.thenApplyAsync(p -> p.isEmpty() ? List.<RamFacts.PolicyVersion>of()
        : ram.listPolicyVersions(policy, "Custom"), executor);
    var attachedFuture = userFuture.thenApplyAsync(u -> u.isEmpty() ? List.<RamFacts.AttachedPolicy>of()
        : ram.listPoliciesForUser(user), executor);
    var keysFuture = userFuture.thenApplyAsync(u -> u.isEmpty() ? List.<RamFacts.AccessKey>of()
        : ram.listAccessKeys(user), executor);
    var clusterFuture = async(() -> ack.describeCluster(spec.clusterId()));
    var addonsFuture = clusterFuture.thenApplyAsync(c -> c.isEmpty() ? List.<AddonInstance>of()
        : ack.listAddonInstances(spec.clusterId()), executor);

    Optional<RamFacts.User> foundUser = join(userFuture);
    Optional<RamApi.PolicySummary> foundPolicy = join(policyFuture);
    RamFacts.Policy policyFacts = foundPolicy.map(p -> new RamFacts.Policy(p.name(), p.type(), p.defaultVersion(),
        join(versionsFuture), p.defaultDocument(), p.attachmentCount())).orElse(null);
    RamFacts facts = new RamFacts(foundUser.orElse(null), policyFacts, join(attachedFuture), join(keysFuture));
    Optional<ClusterFacts> cluster = join(clusterFuture);
    return new CloudFacts(facts, cluster.orElse(null), join(addonsFuture));
  }

  private <T> CompletableFuture<T> async(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, executor);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
