package io.hybridcni.testkit.aliyun;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FakeAliyun} behaves where the real cloud has no single answer. Immutable; every {@code with}
 * method returns a copy.
 *
 * <pre>{@code
 * FakeAliyun.start(FakeAliyunOptions.defaults().withLatency(Duration.ofMillis(20)).withAddonPollsBeforeSettled(0));
 * }</pre>
 */
public final class FakeAliyunOptions {

  private final Duration latency;
  private final int addonPollsBeforeSettled;
  private final Clock clock;
  private final boolean rejectReplayedNonces;
  private final int addonNotFoundStatus;

  private FakeAliyunOptions(
      Duration latency, int addonPollsBeforeSettled, Clock clock, boolean rejectReplayedNonces) {
    this(latency, addonPollsBeforeSettled, clock, rejectReplayedNonces, 404);
  }

  private FakeAliyunOptions(Duration latency, int addonPollsBeforeSettled, Clock clock, boolean rejectReplayedNonces,
      int addonNotFoundStatus) {
    this.latency = latency;
    this.addonPollsBeforeSettled = addonPollsBeforeSettled;
    this.clock = clock;
    this.rejectReplayedNonces = rejectReplayedNonces;
    this.addonNotFoundStatus = addonNotFoundStatus;
  }

  /**
   * The defaults: no added latency, an addon change is seen in its transitional state by 2 polls before it
   * settles, the system UTC clock for the dates the fake reports, and replayed signature nonces rejected.
   */
  public static FakeAliyunOptions defaults() {
    return new FakeAliyunOptions(Duration.ZERO, 2, Clock.systemUTC(), true);
  }

  /**
   * Time the server waits before handling each request, to make benchmarks see a network. Default: zero.
   *
   * @param latency zero or positive
   */
  public FakeAliyunOptions withLatency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("Latency must be zero or positive, was " + latency);
    }
    return new FakeAliyunOptions(latency, addonPollsBeforeSettled, clock, rejectReplayedNonces,
        addonNotFoundStatus);
  }

  /**
   * How many observations of an addon instance (getting it, listing it, or describing its task) still show
   * the transitional state ({@code updating}, {@code upgrading}, {@code deleting}) after an install, upgrade
   * or uninstall; the next observation shows it settled ({@code active}, or gone). Default: 2.
   *
   * @param polls in the range [0, 1000]
   */
  public FakeAliyunOptions withAddonPollsBeforeSettled(int polls) {
    if (polls < 0 || polls > 1000) {
      throw new IllegalArgumentException("Addon polls before settled must be in the range [0, 1000], was " + polls);
    }
    return new FakeAliyunOptions(latency, polls, clock, rejectReplayedNonces, addonNotFoundStatus);
  }

  /**
   * The clock for the creation and update dates the fake reports. It never decides anything else (signature
   * dates are not checked against it). Default: {@link Clock#systemUTC()}.
   */
  public FakeAliyunOptions withClock(Clock clock) {
    return new FakeAliyunOptions(latency, addonPollsBeforeSettled, Objects.requireNonNull(clock, "clock"),
        rejectReplayedNonces, addonNotFoundStatus);
  }

  /**
   * Whether a request that repeats the {@code x-acs-signature-nonce} of an earlier request signed by the same
   * key is refused with {@code SignatureNonceUsed} (400), as the real gateway refuses replays. Turn it off only
   * to replay recorded requests on purpose. Default: true.
   */
  public FakeAliyunOptions withRejectReplayedNonces(boolean reject) {
    return new FakeAliyunOptions(latency, addonPollsBeforeSettled, clock, reject, addonNotFoundStatus);
  }

  /**
   * The HTTP status of the {@code AddonNotFound} answer (GetClusterAddonInstance, upgrade or uninstall of an addon
   * that is not installed). No document we found states it: the default, 404, is a guess, and a client must judge
   * by the code alone (the Terraform alicloud provider matches the code, alicloud/service_alicloud_cs.go).
   *
   * @param status in the range [400, 499]
   */
  public FakeAliyunOptions withAddonNotFoundStatus(int status) {
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("AddonNotFound status must be in the range [400, 499], was " + status);
    }
    return new FakeAliyunOptions(latency, addonPollsBeforeSettled, clock, rejectReplayedNonces, status);
  }

  /** The HTTP status of {@code AddonNotFound} answers (a guess; see {@link #withAddonNotFoundStatus}). */
  public int addonNotFoundStatus() {
    return addonNotFoundStatus;
  }

  /** The latency added to every request. */
  public Duration latency() {
    return latency;
  }

  /** The number of observations that still show an addon's transitional state. */
  public int addonPollsBeforeSettled() {
    return addonPollsBeforeSettled;
  }

  /** The clock for reported dates. */
  public Clock clock() {
    return clock;
  }

  /** Whether replayed signature nonces are refused. */
  public boolean rejectReplayedNonces() {
    return rejectReplayedNonces;
  }

  @Override
  public String toString() {
    return "FakeAliyunOptions{latency=" + latency + ", addonPollsBeforeSettled=" + addonPollsBeforeSettled
        + ", clock=" + clock + ", rejectReplayedNonces=" + rejectReplayedNonces + ", addonNotFoundStatus=" + addonNotFoundStatus + "}";
  }
}
