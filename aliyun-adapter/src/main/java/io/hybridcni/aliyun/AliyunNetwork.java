package io.hybridcni.aliyun;

/**
 * Which network reaches the Alibaba Cloud APIs, and so which default endpoints RAM and CS have. They differ in
 * form: RAM is a central service with one VPC endpoint, CS has one per region.
 * <ul>
 *   <li>{@link #PUBLIC}: {@code ram.aliyuncs.com} and {@code cs.<region>.aliyuncs.com}.</li>
 *   <li>{@link #VPC}: {@code ram.vpc-proxy.aliyuncs.com} (ACK's own ack-ram-tool, AliyunContainerService/ack-ram-tool
 *       pkg/openapi/client.go, and aliyun-cli's endpoint tests use it) and {@code cs-vpc.<region>.aliyuncs.com} (the
 *       SDK's {@code <product>-vpc.<region>} rule; cs20151215's endpoint map spells the finance regions so, e.g.
 *       {@code cs-vpc.cn-hangzhou-finance.aliyuncs.com}). ack-ram-tool uses {@code cs-anony-vpc.<region>} instead: a
 *       network where only that name resolves sets {@code --cs-endpoint}.</li>
 * </ul>
 */
public enum AliyunNetwork {
  PUBLIC,
  VPC;

  /** The RAM endpoint of this network. */
  public String ramEndpoint() {
    return this == VPC ? "ram.vpc-proxy.aliyuncs.com" : "ram.aliyuncs.com";
  }

  /** The CS endpoint of this network for {@code regionId}. */
  public String csEndpoint(String regionId) {
    return (this == VPC ? "cs-vpc." : "cs.") + regionId + ".aliyuncs.com";
  }

  /**
   * The STS endpoint of this network for {@code regionId} (the SDK's regional {@code sts.<region>} and
   * {@code sts-vpc.<region>} forms, as in the sts20150401 endpoint map).
   */
  public String stsEndpoint(String regionId) {
    return (this == VPC ? "sts-vpc." : "sts.") + regionId + ".aliyuncs.com";
  }
}
