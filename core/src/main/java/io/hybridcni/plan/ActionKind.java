package io.hybridcni.plan;

/**
 * The closed set of things a plan can do. The first group takes a cluster to its spec; the second, planned by
 * {@code Planner.planDestroy}, undoes what hybridcni manages. Each kind runs exactly one {@link ActionDetail}
 * type ({@link #detailType()}) and belongs to one {@link PlanKind} ({@link #planKind()}).
 */
public enum ActionKind {
  ENSURE_RAM_USER(ActionDetail.RamUser.class, PlanKind.APPLY),
  ENSURE_RAM_POLICY(ActionDetail.RamPolicy.class, PlanKind.APPLY),
  ATTACH_RAM_POLICY(ActionDetail.PolicyAttachment.class, PlanKind.APPLY),
  DELETE_ORPHAN_ACCESS_KEY(ActionDetail.OrphanAccessKey.class, PlanKind.APPLY),
  ENSURE_ACCESS_KEY_SECRET(ActionDetail.AccessKeySecret.class, PlanKind.APPLY),
  // Terway reads its AccessKey once, when its daemon starts: a new key in its Secret reaches it by a restart.
  RESTART_TERWAY(ActionDetail.TerwayRestart.class, PlanKind.APPLY),
  EXCLUDE_CLOUD_NODES_FROM_CNI(ActionDetail.CniExclusion.class, PlanKind.APPLY),
  INSTALL_ADDON(ActionDetail.Addon.class, PlanKind.APPLY),
  UPGRADE_ADDON(ActionDetail.Addon.class, PlanKind.APPLY),
  // Also the wait for a busy addon to settle before destroy uninstalls it.
  WAIT_FOR_ADDON(ActionDetail.AddonWait.class, null),
  UNINSTALL_ADDON(ActionDetail.AddonUninstall.class, PlanKind.DESTROY),
  WAIT_FOR_ADDON_REMOVAL(ActionDetail.AddonRemovalWait.class, PlanKind.DESTROY),
  REMOVE_CNI_EXCLUSION(ActionDetail.CniExclusionRemoval.class, PlanKind.DESTROY),
  DELETE_SECRET(ActionDetail.SecretDeletion.class, PlanKind.DESTROY),
  DELETE_ACCESS_KEY(ActionDetail.AccessKeyDeletion.class, PlanKind.DESTROY),
  DETACH_RAM_POLICY(ActionDetail.PolicyDetachment.class, PlanKind.DESTROY),
  DELETE_RAM_POLICY(ActionDetail.RamPolicyDeletion.class, PlanKind.DESTROY),
  DELETE_RAM_USER(ActionDetail.RamUserDeletion.class, PlanKind.DESTROY);

  private final Class<? extends ActionDetail> detailType;
  private final PlanKind planKind;

  ActionKind(Class<? extends ActionDetail> detailType, PlanKind planKind) {
    this.detailType = detailType;
    this.planKind = planKind;
  }

  /** The detail type an action of this kind carries, and the only one its executor reads. */
  public Class<? extends ActionDetail> detailType() {
    return detailType;
  }

  /** Whether an action of this kind may appear in a plan of {@code kind}. */
  public boolean belongsTo(PlanKind kind) {
    return planKind == null || planKind == kind;
  }
}
