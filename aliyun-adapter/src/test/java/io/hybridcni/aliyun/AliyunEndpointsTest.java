package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AliyunEndpointsTest {

  @Test
  void thePublicNetworkIsTheDefault() {
    AliyunConnection c = AliyunConnection.forRegion("cn-hangzhou").build();

    assertThat(c.ramEndpoint()).isEqualTo("ram.aliyuncs.com");
    assertThat(c.csEndpoint()).isEqualTo("cs.cn-hangzhou.aliyuncs.com");
  }

  @Test
  void aVpcPicksTheDifferentVpcEndpointsOfRamAndCs() {
    AliyunConnection c = AliyunConnection.forRegion("cn-beijing").network(AliyunNetwork.VPC).build();

    assertThat(c.ramEndpoint()).isEqualTo("ram.vpc-proxy.aliyuncs.com");
    assertThat(c.csEndpoint()).isEqualTo("cs-vpc.cn-beijing.aliyuncs.com");
  }

  @Test
  void anExplicitEndpointWinsOverTheNetworkForThatServiceOnly() {
    AliyunConnection c = AliyunConnection.forRegion("cn-beijing").network(AliyunNetwork.VPC)
        .csEndpoint("cs-anony-vpc.cn-beijing.aliyuncs.com").build();

    assertThat(c.ramEndpoint()).isEqualTo("ram.vpc-proxy.aliyuncs.com");
    assertThat(c.csEndpoint()).isEqualTo("cs-anony-vpc.cn-beijing.aliyuncs.com");
  }

  @Test
  void oneEndpointForBothStaysForTestsAndPrivateGateways() {
    AliyunConnection c = AliyunConnection.forRegion("cn-beijing").network(AliyunNetwork.VPC)
        .endpoint("127.0.0.1:8080").build();

    assertThat(c.ramEndpoint()).isEqualTo("127.0.0.1:8080");
    assertThat(c.csEndpoint()).isEqualTo("127.0.0.1:8080");
  }
}
