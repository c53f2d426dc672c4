package io.hybridcni.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a {@link DryRunMode} into the dry run actually performed: {@code server} or {@code client}. */
final class DryRunResolver {

  static final String SERVER = "server";
  static final String CLIENT = "client";

  private static final Logger LOG = LoggerFactory.getLogger(DryRunResolver.class);

  private final KubernetesClient client;
  private final DryRunMode mode;
  private volatile String resolved;

  DryRunResolver(KubernetesClient client, DryRunMode mode) {
    this.client = client;
    this.mode = mode;
  }

  DryRunMode mode() {
    return mode;
  }

  String resolve() {
    if (mode == DryRunMode.SERVER) {
      return SERVER;
    }
    if (mode == DryRunMode.CLIENT) {
      return CLIENT;
    }
    String value = resolved;
    if (value == null) {
      value = decide();
      resolved = value;
    }
    return value;
  }

  private String decide() {
    VersionInfo version;
    try {
      version = client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      LOG.info("The API server version could not be read ({}); dry runs are described client-side", e.getCode());
      return CLIENT;
    }
    boolean server = version != null && servesDryRun(version.getMajor(), version.getMinor());
    LOG.debug("API server version {}.{}: {} dry run", version == null ? "?" : version.getMajor(),
        version == null ? "?" : version.getMinor(), server ? SERVER : CLIENT);
    return server ? SERVER : CLIENT;
  }

  /**
   * Whether an API server of this version serves {@code dryRun=All} on every write by default: server-side dry
   * run is GA since Kubernetes 1.18. Minor versions such as {@code 28+} (managed distributions) count as 28.
   */
  static boolean servesDryRun(String major, String minor) {
    int ma = leadingNumber(major);
    int mi = leadingNumber(minor);
    return ma > 1 || (ma == 1 && mi >= 18);
  }

  private static int leadingNumber(String text) {
    if (text == null) {
      return -1;
    }
    int end = 0;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return end == 0 ? -1 : Integer.parseInt(text.substring(0, Math.min(end, 9)));
  }

  /**
   * Whether a failed {@code dryRun=All} request was refused only because something on the server (typically an
   * admission webhook without {@code sideEffects: None}) does not support dry runs.
   */
  static boolean dryRunUnsupported(KubernetesClientException e) {
    if (e.getCode() != 400) {
      return false;
    }
    String text = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
        : String.valueOf(e.getMessage());
    String lower = text.toLowerCase(Locale.ROOT);
    return lower.contains("dry run") || lower.contains("dryrun");
  }
}
