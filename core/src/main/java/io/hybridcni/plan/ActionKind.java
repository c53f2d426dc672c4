package io.hybridcni.plan;

/**
 * The closed set of things a plan can do. The first group takes a cluster to its spec; the second, planned by
 * {@code Planner.planDestroy}, undoes what hybridcni manages.
 */
public enum ActionKind {
  ENSURE_RAM_USER,
  ENSURE_RAM_POLICY,
  ATTACH_RAM_POLICY,
  DELETE_ORPHAN_ACCESS_KEY,
  ENSURE_ACCESS_KEY_SECRET,
  EXCLUDE_CLOUD_NODES_FROM_CNI,
  INSTALL_ADDON,
  UPGRADE_ADDON,
  WAIT_FOR_ADDON,
  UNINSTALL_ADDON,
  WAIT_FOR_ADDON_REMOVAL,
  REMOVE_CNI_EXCLUSION,
  DELETE_SECRET,
  DELETE_ACCESS_KEY,
  DETACH_RAM_POLICY,
  DELETE_RAM_POLICY,
  DELETE_RAM_USER
}
