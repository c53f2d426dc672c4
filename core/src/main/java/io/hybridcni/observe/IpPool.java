package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * A Calico {@code IPPool} ({@code crd.projectcalico.org/v1}). {@code ipipMode} and {@code vxlanMode} are as read:
 * {@code null} when the field is absent, which Calico treats as {@code Never}.
 */
public record IpPool(String name, String cidr, String ipipMode, String vxlanMode, boolean disabled) {

  public static final String NEVER = "Never";
  public static final String ALWAYS = "Always";
  public static final String CROSS_SUBNET = "CrossSubnet";

  public IpPool {
    Objects.requireNonNull(name, "name");
  }

  @JsonIgnore
  public String effectiveIpipMode() {
    return ipipMode == null || ipipMode.isEmpty() ? NEVER : ipipMode;
  }

  @JsonIgnore
  public String effectiveVxlanMode() {
    return vxlanMode == null || vxlanMode.isEmpty() ? NEVER : vxlanMode;
  }
}
