/**
 * The pure planner: {@link io.hybridcni.planner.Planner} and {@link io.hybridcni.planner.DestroyPlanner} turn a spec
 * and an observed state into a {@link io.hybridcni.plan.Plan}; the classes beside them classify nodes, compute the
 * CNI exclusion, check clusters and plans and fingerprint facts. Same inputs, same plan: no clock, no I/O.
 */
package io.hybridcni.planner;
