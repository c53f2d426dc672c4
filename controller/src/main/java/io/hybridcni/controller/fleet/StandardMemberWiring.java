package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.aliyun.AckApi;
import io.hybridcni.aliyun.AddonWaitOptions;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.aliyun.AliyunExecutors;
import io.hybridcni.aliyun.AliyunObserver;
import io.hybridcni.aliyun.RamApi;
import io.hybridcni.aliyun.Retrier;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.kube.DryRunMode;
import io.hybridcni.kube.KubeExecutors;
import io.hybridcni.kube.KubernetesObserver;
import io.hybridcni.kube.KubernetesSecretStore;
import io.hybridcni.kube.KubernetesStatusObserver;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.spec.HybridNetworkSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A member wired as {@code hybridcni apply} wires one cluster (the CLI's live environment): the fabric8 observer and
 * executors on the member's client, the RAM and CS executors and observer on the account's shared connection, the
 * apply Lease {@code kube-system/hybridcni-apply} in the member cluster, and the network status observer.
 */
public final class StandardMemberWiring implements MemberWiring {

  private final Supplier<Retrier> retrier;
  private final AddonWaitOptions addonWait;
  private final Duration rolloutTimeout;
  private final Function<KubernetesClient, Sleeper> kubeSleeper;
  private final Function<KubernetesClient, UnaryOperator<ActionExecutor<?>>> aroundExecutors;
  private final Function<KubernetesClient, LeaseApplyLock.Builder> applyLease;

  private StandardMemberWiring(Builder b) {
    this.retrier = b.retrier;
    this.addonWait = b.addonWait;
    this.rolloutTimeout = b.rolloutTimeout;
    this.kubeSleeper = b.kubeSleeper;
    this.aroundExecutors = b.aroundExecutors;
    this.applyLease = b.applyLease;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Parts wire(HybridNetworkSpec spec, KubernetesClient cluster, AliyunConnection account) {
    Retrier r = retrier.get();
    RamApi ram = account.ram(r);
    AckApi ack = account.ack(r);
    KubernetesSecretStore secrets = KubernetesSecretStore.builder(cluster).build();
    List<ActionExecutor<?>> executors = new ArrayList<>(AliyunExecutors.create(ram, ack, secrets, r, addonWait,
        Clock.systemUTC()));
    Sleeper sleeper = kubeSleeper.apply(cluster);
    executors.addAll(KubeExecutors.create(cluster, DryRunMode.AUTO, Clock.systemUTC(), sleeper, rolloutTimeout));
    executors.replaceAll(aroundExecutors.apply(cluster));
    List<ActionExecutor<?>> all = List.copyOf(executors);
    KubernetesObserver observer = KubernetesObserver.builder(cluster).build();
    AliyunObserver cloud = new AliyunObserver(ram, ack).withSecretKeyOwners(secrets, account.credentialOwners(r));
    KubernetesStatusObserver status = new KubernetesStatusObserver(cluster);
    return new Parts(applyLease.apply(cluster).build(),
        lock -> Reconciler.builder().cluster(observer).cloud(cloud).executors(all).lock(lock).status(status)
            .sleeper(sleeper).build(),
        cloud, status, observer::close);
  }

  /** Builder; every setter documents its default. */
  public static final class Builder {
    private Supplier<Retrier> retrier = Retrier::defaults;
    private AddonWaitOptions addonWait = new AddonWaitOptions(Duration.ofSeconds(2), Duration.ofSeconds(15),
        Duration.ofMinutes(15));
    private Duration rolloutTimeout;
    private Function<KubernetesClient, Sleeper> kubeSleeper = c -> Sleeper.REAL;
    private Function<KubernetesClient, UnaryOperator<ActionExecutor<?>>> aroundExecutors =
        c -> UnaryOperator.identity();
    private Function<KubernetesClient, LeaseApplyLock.Builder> applyLease = LeaseApplyLock::builder;

    private Builder() {}

    /** Each member's retrier of Aliyun calls. Default {@link Retrier#defaults()}. */
    public Builder retrier(Supplier<Retrier> value) {
      this.retrier = Objects.requireNonNull(value, "retrier");
      return this;
    }

    /** How the addon's install or upgrade is waited for. Default 2 s first poll, 15 s at most, 15 minutes in all. */
    public Builder addonWait(AddonWaitOptions value) {
      this.addonWait = Objects.requireNonNull(value, "addonWait");
      return this;
    }

    /** How long a rollout the Kubernetes executors follow may take; {@code null}: their defaults. Default null. */
    public Builder rolloutTimeout(Duration value) {
      this.rolloutTimeout = value;
      return this;
    }

    /** How the Kubernetes executors and the closing status check wait, per member client. Default real sleeps. */
    public Builder kubeSleeper(Function<KubernetesClient, Sleeper> value) {
      this.kubeSleeper = Objects.requireNonNull(value, "kubeSleeper");
      return this;
    }

    /** Wraps every executor of a member (e.g. to count its writes). Default: none. */
    public Builder aroundExecutors(Function<KubernetesClient, UnaryOperator<ActionExecutor<?>>> value) {
      this.aroundExecutors = Objects.requireNonNull(value, "aroundExecutors");
      return this;
    }

    /** The apply Lease in the member cluster. Default {@code LeaseApplyLock.builder(client)}'s defaults. */
    public Builder applyLease(Function<KubernetesClient, LeaseApplyLock.Builder> value) {
      this.applyLease = Objects.requireNonNull(value, "applyLease");
      return this;
    }

    public StandardMemberWiring build() {
      return new StandardMemberWiring(this);
    }
  }
}
