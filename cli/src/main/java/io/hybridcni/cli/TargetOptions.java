package io.hybridcni.cli;

import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.aliyun.AliyunNetwork;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where a command observes and applies: a real cluster and account, or an in-process simulation. */
final class TargetOptions {

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "The kubeconfig file. Default: $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context. Default: the current one.")
  String context;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--aliyun-endpoint", paramLabel = "HOST[:PORT]", converter = OptionValues.Endpoint.class,
      description = "One endpoint for RAM and CS (e.g. a private gateway or a test server). Default: the endpoints "
          + "of --aliyun-network.")
  String aliyunEndpoint;

  @Option(names = "--ram-endpoint", paramLabel = "HOST[:PORT]", converter = OptionValues.Endpoint.class,
      description = "The RAM endpoint. Default: ram.aliyuncs.com, or ram.vpc-proxy.aliyuncs.com with "
          + "--aliyun-network vpc.")
  String ramEndpoint;

  @Option(names = "--cs-endpoint", paramLabel = "HOST[:PORT]", converter = OptionValues.Endpoint.class,
      description = "The CS (ACK) endpoint. Default: cs.<region>.aliyuncs.com, or cs-vpc.<region>.aliyuncs.com with "
          + "--aliyun-network vpc.")
  String csEndpoint;

  @Option(names = "--aliyun-network", paramLabel = "vpc|public",
      description = "Which network reaches Alibaba Cloud, picking the RAM and CS endpoints: vpc or public. "
          + "Default: public.")
  Network aliyunNetwork;

  @Option(names = "--aliyun-protocol", paramLabel = "HTTPS|HTTP", defaultValue = "HTTPS",
      description = "Protocol for Alibaba Cloud calls: ${COMPLETION-CANDIDATES}. Default: HTTPS.")
  Protocol aliyunProtocol;

  @Option(names = "--addon-timeout", paramLabel = "DURATION", defaultValue = "PT15M",
      converter = OptionValues.NonNegativeDuration.class,
      description = "How long to wait for the addon to become active (ISO-8601, e.g. PT15M). Default: 15 minutes.")
  Duration addonTimeout;

  /**
   * How long a rollout hybridcni causes may take ({@code --rollout-timeout} of apply and destroy, set by those
   * commands before the environment opens); {@code null}: each executor's default.
   */
  Duration rolloutTimeout;

  @Option(names = "--simulate", paramLabel = "SCENARIO",
      description = "Work on an in-process simulated cluster and cloud instead: ${COMPLETION-CANDIDATES}.")
  Scenario simulate;

  /** The networks {@code --aliyun-network} names (given in any case). */
  enum Network {
    VPC(AliyunNetwork.VPC), PUBLIC(AliyunNetwork.PUBLIC);

    final AliyunNetwork network;

    Network(AliyunNetwork network) {
      this.network = network;
    }
  }

  /**
   * Refuses endpoint options that contradict each other, as one line naming them: {@code --aliyun-endpoint} sets
   * both endpoints, so it stands alone.
   */
  void validate() {
    if (aliyunEndpoint != null && (ramEndpoint != null || csEndpoint != null || aliyunNetwork != null)) {
      String other = ramEndpoint != null ? "--ram-endpoint" : csEndpoint != null ? "--cs-endpoint" : "--aliyun-network";
      throw new ParameterException(mixee.commandLine(), "--aliyun-endpoint sets both the RAM and the CS endpoint, "
          + "so it cannot be combined with " + other + ": expected either --aliyun-endpoint alone, or "
          + "--aliyun-network and/or --ram-endpoint/--cs-endpoint");
    }
  }

  /** The connection these options describe, for the spec's region. */
  AliyunConnection.Builder aliyunConnection(String regionId) {
    validate();
    AliyunConnection.Builder connection = AliyunConnection.forRegion(regionId).protocol(aliyunProtocol.name());
    if (aliyunNetwork != null) {
      connection.network(aliyunNetwork.network);
    }
    if (aliyunEndpoint != null) {
      connection.endpoint(aliyunEndpoint);
    }
    if (ramEndpoint != null) {
      connection.ramEndpoint(ramEndpoint);
    }
    if (csEndpoint != null) {
      connection.csEndpoint(csEndpoint);
    }
    return connection;
  }

  /** The protocols the Aliyun SDK speaks (its {@code Config.setProtocol}). */
  enum Protocol { HTTPS, HTTP }

  /** The sample clusters the simulation can start. */
  enum Scenario {
    bgp, operator_bgp, host_network, overlay_flannel, overlay_calico_ipip, overlay_cilium, cilium_native, brownfield
  }
}
