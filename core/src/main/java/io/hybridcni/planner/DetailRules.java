package io.hybridcni.planner;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The rules of one {@link ActionDetail} type, bound to it: the facts an action carrying it relies on (its
 * fingerprint holds those that no earlier action of the plan writes), the facts running it changes (so later
 * actions no longer rely on their planned values), and its effect on the planned state ({@link PlannedState}).
 * Each {@link ResourceUnit} declares the rules of the details its actions carry; the only cast from an
 * {@code ActionDetail} to its type is here, against {@link #type}, so a rule never sees a detail of another type.
 *
 * @param <D> the detail type
 */
record DetailRules<D extends ActionDetail>(Class<D> type, Reads<D> reads, Function<D, Set<String>> writes,
    Effect<D> effect) {

  DetailRules {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reads, "reads");
    Objects.requireNonNull(writes, "writes");
    Objects.requireNonNull(effect, "effect");
  }

  /** The facts an action relies on; {@code spec} gives those that follow from the spec rather than the detail. */
  @FunctionalInterface
  interface Reads<D> {
    Set<String> of(D detail, HybridNetworkSpec spec);
  }

  /** The state after the action succeeded. */
  @FunctionalInterface
  interface Effect<D> {
    ObservedState apply(D detail, ObservedState state, PlannedState.NewKeys keys);
  }

  Set<String> readsOf(ActionDetail detail, HybridNetworkSpec spec) {
    return reads.of(type.cast(detail), spec);
  }

  Set<String> writesOf(ActionDetail detail) {
    return writes.apply(type.cast(detail));
  }

  ObservedState effectOf(ActionDetail detail, ObservedState state, PlannedState.NewKeys keys) {
    return effect.apply(type.cast(detail), state, keys);
  }
}
