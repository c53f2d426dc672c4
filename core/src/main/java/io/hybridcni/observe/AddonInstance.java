package io.hybridcni.observe;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An installed ACK addon: name, version and state as ACK reports it. States seen on the real service: {@code active},
 * {@code installing}, {@code initial}, {@code updating}, {@code upgrading}, {@code deleting}, {@code Failed},
 * {@code failed}, {@code Canceled}, {@code unhealthy} (the SDK model {@code GetClusterAddonInstanceResponseBody}
 * documents only the first lowercase four; the Terraform alicloud provider waits on {@code Failed} and
 * {@code Canceled}). States are compared without regard to case.
 */
public record AddonInstance(String name, String version, String state) {

  public static final String ACTIVE = "active";

  /**
   * The states that end a wait at once, lowercased: the change failed ({@code failed}, and {@code fail}, the task
   * state the newer SDK models document), was canceled ({@code canceled}, as Terraform's addon wait treats it), or
   * the addon runs but is not healthy ({@code unhealthy}: no public source says ACK leaves it on its own, so waiting
   * for the timeout would only hide the reason).
   */
  public static final Set<String> FAILURE_STATES = Set.of("failed", "fail", "canceled", "cancelled", "unhealthy");

  public AddonInstance {
    Objects.requireNonNull(name, "name");
  }

  /** The state is {@code active}, in any case. */
  public boolean active() {
    return is(ACTIVE);
  }

  /** The state is one of {@link #FAILURE_STATES}, in any case. */
  public boolean failed() {
    return state != null && FAILURE_STATES.contains(state.toLowerCase(Locale.ROOT));
  }

  /** The state equals {@code expected} without regard to case. */
  public boolean is(String expected) {
    return state != null && state.equalsIgnoreCase(expected);
  }
}
