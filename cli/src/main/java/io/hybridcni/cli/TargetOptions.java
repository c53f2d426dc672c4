package io.hybridcni.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where a command observes and applies: a real cluster and account, or an in-process simulation. */
final class TargetOptions {

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "The kubeconfig file. Default: $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context. Default: the current one.")
  String context;

  @Option(names = "--aliyun-endpoint", paramLabel = "HOST[:PORT]", converter = OptionValues.Endpoint.class,
      description = "One endpoint for RAM and CS (e.g. a private or test endpoint). Default: the public ones.")
  String aliyunEndpoint;

  @Option(names = "--aliyun-protocol", paramLabel = "HTTPS|HTTP", defaultValue = "HTTPS",
      description = "Protocol for Alibaba Cloud calls: ${COMPLETION-CANDIDATES}. Default: HTTPS.")
  Protocol aliyunProtocol;

  @Option(names = "--addon-timeout", paramLabel = "DURATION", defaultValue = "PT15M",
      converter = OptionValues.NonNegativeDuration.class,
      description = "How long to wait for the addon to become active (ISO-8601, e.g. PT15M). Default: 15 minutes.")
  Duration addonTimeout;

  @Option(names = "--simulate", paramLabel = "SCENARIO",
      description = "Work on an in-process simulated cluster and cloud instead: ${COMPLETION-CANDIDATES}.")
  Scenario simulate;

  /** The protocols the Aliyun SDK speaks (its {@code Config.setProtocol}). */
  enum Protocol { HTTPS, HTTP }

  /** The sample clusters the simulation can start. */
  enum Scenario {
    bgp, operator_bgp, host_network, overlay_flannel, overlay_calico_ipip, overlay_cilium, cilium_native, brownfield
  }
}
