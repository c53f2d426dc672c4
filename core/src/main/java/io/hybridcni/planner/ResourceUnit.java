package io.hybridcni.planner;

import java.util.List;

/**
 * One resource hybridcni manages (the RAM user, the policy, its attachment, the AccessKey and its Secret, the
 * on-premises CNI's exclusion, the addon), with every rule about it in one place: what it reads of the observed
 * state and how it plans forward ({@link #plan}) and back ({@link #planDestroy}), and, for each detail type its
 * actions carry, the facts such an action relies on and changes and its effect on the planned state
 * ({@link #details}). A unit names no other unit: {@link ResourceGraph} orders the units, holds the edges between
 * them and hands each the drafts its first actions must follow.
 */
interface ResourceUnit {

  /** The rules of every detail type this unit's actions carry, forward and destroy; each type in one unit only. */
  List<DetailRules<?>> details();

  /**
   * Plans the actions that take this resource to the spec, adding them and any finding to {@code run}.
   *
   * @param after the drafts of the units this one depends on, which its first actions follow
   * @return the drafts that the units depending on this one must follow; empty when it planned nothing for them
   */
  List<Draft> plan(UnitRun.Forward run, List<Draft> after);

  /**
   * Plans the actions that undo what hybridcni made of this resource, adding them and any finding to {@code run}.
   *
   * @param after the drafts of the units that depended on this one, whose undo comes first
   * @return the drafts that the undo of the units this one depends on must follow; empty passes {@code after} on
   */
  List<Draft> planDestroy(UnitRun.Destroy run, List<Draft> after);
}
