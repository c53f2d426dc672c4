/**
 * The controller that keeps one registered cluster's network correct after it was made so: it watches what the
 * plan depends on, re-plans when something changes, repairs what the spec lets it repair through the same plan,
 * fingerprints, re-checks and status verification as {@code apply}, and reports the rest. Built on fabric8's
 * informers, its {@code LeaderElector} and the Lease API rather than on a loop of its own.
 */
package io.hybridcni.controller;
