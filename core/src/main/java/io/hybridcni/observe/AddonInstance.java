package io.hybridcni.observe;

import java.util.Objects;

/** An installed ACK addon: name, version and state ({@code active}, {@code updating}, {@code upgrading}, ...). */
public record AddonInstance(String name, String version, String state) {

  public static final String ACTIVE = "active";

  public AddonInstance {
    Objects.requireNonNull(name, "name");
  }

  public boolean active() {
    return ACTIVE.equals(state);
  }
}
