package io.hybridcni.observe;

import java.util.Objects;

/**
 * How a DaemonSet replaces its pods when its pod template changes ({@code spec.updateStrategy}): its {@code type}
 * ({@value #ROLLING_UPDATE} or {@value #ON_DELETE}) and, for a rolling update, {@code rollingUpdate.maxUnavailable}
 * as written: an integer or a percentage of the scheduled pods ("1", "10%"), kept as the raw int-or-string.
 *
 * <p>Absent fields read as the API server defaults them for {@code apps/v1} DaemonSets (kubernetes
 * {@code pkg/apis/apps/v1/defaults.go}, {@code SetDefaults_DaemonSet}: type RollingUpdate, maxUnavailable 1,
 * maxSurge 0). Under {@value #ON_DELETE} a template change restarts no pod: the controller creates a pod from the
 * new template only where one was deleted ({@code maxUnavailable} is then {@code null}).
 */
public record UpdateStrategy(String type, String maxUnavailable) {

  public static final String ROLLING_UPDATE = "RollingUpdate";
  public static final String ON_DELETE = "OnDelete";

  /** The API server's default: RollingUpdate, one pod unavailable at a time. */
  public static final UpdateStrategy DEFAULT = new UpdateStrategy(ROLLING_UPDATE, "1");

  public UpdateStrategy {
    type = type == null || type.isEmpty() ? ROLLING_UPDATE : type;
    if (ROLLING_UPDATE.equals(type)) {
      maxUnavailable = maxUnavailable == null || maxUnavailable.isEmpty() ? "1" : maxUnavailable;
    } else {
      maxUnavailable = null;
    }
  }

  /** A strategy read from fields that may be absent ({@code null}), defaulted as the API server does. */
  public static UpdateStrategy of(String type, String maxUnavailable) {
    return new UpdateStrategy(type, maxUnavailable);
  }

  public static UpdateStrategy onDelete() {
    return new UpdateStrategy(ON_DELETE, null);
  }

  public boolean onDeleteOnly() {
    return ON_DELETE.equals(type);
  }

  public boolean rolling() {
    return ROLLING_UPDATE.equals(type);
  }

  /** As people read it: {@code RollingUpdate (maxUnavailable 1)} or {@code OnDelete}. */
  public String describe() {
    return rolling() ? type + " (maxUnavailable " + maxUnavailable + ")" : type;
  }

  @Override
  public String toString() {
    return rolling() ? type + "/" + Objects.toString(maxUnavailable) : type;
  }
}
