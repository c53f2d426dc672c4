package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.error.HybridCniException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Alibaba Cloud endpoint options: which endpoints RAM and CS get, and the combinations refused. */
class AliyunEndpointOptionsTest {

  @TempDir
  Path dir;

  private Path spec;
  private final AtomicReference<AliyunConnection> opened = new AtomicReference<>();

  @BeforeEach
  void writeSpec() throws IOException {
    spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "cluster:\n  id: " + Simulation.CLUSTER_ID + "\n  region: cn-shanghai\n");
  }

  /** Builds the connection the options describe, then stops: nothing is contacted. */
  private CliRun plan(String... options) {
    String[] args = new String[options.length + 3];
    args[0] = "plan";
    args[1] = "-f";
    args[2] = spec.toString();
    System.arraycopy(options, 0, args, 3, options.length);
    return CliRun.run((s, target) -> {
      target.validate();
      opened.set(target.aliyunConnection(s.regionId()).build());
      throw new HybridCniException("stopped after choosing the endpoints");
    }, false, "", args);
  }

  @Test
  void aVpcNetworkPicksTheVpcEndpointsOfRamAndCs() {
    plan("--aliyun-network", "vpc");

    assertThat(opened.get().ramEndpoint()).isEqualTo("ram.vpc-proxy.aliyuncs.com");
    assertThat(opened.get().csEndpoint()).isEqualTo("cs-vpc.cn-shanghai.aliyuncs.com");
  }

  @Test
  void withoutOptionsThePublicEndpointsAreUsed() {
    plan();

    assertThat(opened.get().ramEndpoint()).isEqualTo("ram.aliyuncs.com");
    assertThat(opened.get().csEndpoint()).isEqualTo("cs.cn-shanghai.aliyuncs.com");
  }

  @Test
  void separateEndpointsOverrideTheNetworkOneServiceAtATime() {
    plan("--aliyun-network", "VPC", "--cs-endpoint", "cs-anony-vpc.cn-shanghai.aliyuncs.com");

    assertThat(opened.get().ramEndpoint()).isEqualTo("ram.vpc-proxy.aliyuncs.com");
    assertThat(opened.get().csEndpoint()).isEqualTo("cs-anony-vpc.cn-shanghai.aliyuncs.com");
  }

  @Test
  void oneEndpointForBothStaysForTestsAndPrivateGateways() {
    plan("--aliyun-endpoint", "gateway.example.internal:8443");

    assertThat(opened.get().ramEndpoint()).isEqualTo("gateway.example.internal:8443");
    assertThat(opened.get().csEndpoint()).isEqualTo("gateway.example.internal:8443");
  }

  @Test
  void theOneEndpointCombinedWithASeparateOneIsOneLineAndNothingIsOpened() {
    CliRun run = CliRun.run(Environments.standard(), false, "", "plan", "-f", spec.toString(), "--simulate", "bgp",
        "--aliyun-endpoint", "127.0.0.1:8080", "--cs-endpoint", "cs.cn-shanghai.aliyuncs.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err().strip()).startsWith("Error: --aliyun-endpoint sets both the RAM and the CS endpoint, so "
        + "it cannot be combined with --cs-endpoint").doesNotContain("\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void theOneEndpointCombinedWithANetworkIsRefused() {
    CliRun run = plan("--aliyun-endpoint", "127.0.0.1:8080", "--aliyun-network", "vpc");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("cannot be combined with --aliyun-network");
    assertThat(opened.get()).isNull();
  }

  @Test
  void anUnknownNetworkIsOneLineNamingTheOption() {
    CliRun run = plan("--aliyun-network", "lan");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err().strip()).contains("--aliyun-network").contains("lan").doesNotContain("\n");
    assertThat(opened.get()).isNull();
  }

  @Test
  void aSeparateEndpointWithASchemeIsRefusedLikeTheOneEndpoint() {
    CliRun run = plan("--ram-endpoint", "https://ram.aliyuncs.com");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("--ram-endpoint").contains("without a scheme");
  }
}
