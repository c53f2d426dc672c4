/**
 * The plan as a value: findings and ordered {@link io.hybridcni.plan.Action actions}, each with its kind, reason,
 * exact change and the {@link io.hybridcni.plan.Fingerprint fingerprint} of the facts it relied on, and the scenario
 * it was made for ({@link io.hybridcni.plan.Scenario}, {@link io.hybridcni.plan.ScenarioReport}). Types only; it
 * depends on no other package of hybridcni except {@code observe} and {@code spec} values.
 */
package io.hybridcni.plan;
