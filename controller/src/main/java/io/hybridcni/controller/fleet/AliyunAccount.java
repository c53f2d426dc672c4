package io.hybridcni.controller.fleet;

import io.hybridcni.aliyun.AliyunCallLimiter;
import io.hybridcni.aliyun.AliyunConnection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one Alibaba Cloud account every member of a fleet calls with, and its one {@link AliyunCallLimiter}: Alibaba
 * Cloud throttles per account, not per cluster, so the clusters of a fleet share one rate and one limit of calls in
 * flight. A connection is built once per region (the CS endpoint is regional) and shared by every member in it; each
 * carries the same limiter.
 */
public final class AliyunAccount {

  private final AliyunCallLimiter limiter;
  private final Function<String, AliyunConnection.Builder> connections;
  private final Map<String, AliyunConnection> byRegion = new ConcurrentHashMap<>();

  private AliyunAccount(AliyunCallLimiter limiter, Function<String, AliyunConnection.Builder> connections) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.connections = Objects.requireNonNull(connections, "connections");
  }

  /**
   * The account reached through {@code connections} (a region's connection builder: endpoints, credentials,
   * protocol), metered by {@code limiter}. The builder's own limiter, if any, is replaced by {@code limiter}.
   */
  public static AliyunAccount of(AliyunCallLimiter limiter, Function<String, AliyunConnection.Builder> connections) {
    return new AliyunAccount(limiter, connections);
  }

  /** The account's connection for {@code regionId}: built on first use, then the same one. */
  public AliyunConnection connection(String regionId) {
    return byRegion.computeIfAbsent(regionId, region -> connections.apply(region).callLimiter(limiter).build());
  }

  /** The limiter every call of every member goes through. */
  public AliyunCallLimiter limiter() {
    return limiter;
  }

  @Override
  public String toString() {
    return "AliyunAccount{" + limiter + ", regions " + byRegion.keySet() + "}";
  }
}
