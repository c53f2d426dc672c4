package io.hybridcni.plan;

/** The closed set of things a plan can do. */
public enum ActionKind {
  ENSURE_RAM_USER,
  ENSURE_RAM_POLICY,
  ATTACH_RAM_POLICY,
  DELETE_ORPHAN_ACCESS_KEY,
  ENSURE_ACCESS_KEY_SECRET,
  EXCLUDE_CLOUD_NODES_FROM_CNI,
  INSTALL_ADDON,
  UPGRADE_ADDON,
  WAIT_FOR_ADDON
}
