/**
 * The controller that keeps one registered cluster's network correct after it was made so: it watches what the
 * plan depends on, re-plans when something changes, repairs what the spec lets it repair through the same plan,
 * fingerprints, re-checks and status verification as {@code apply}, and reports the rest. Built on fabric8's
 * informers and the Lease API. Leadership is not fabric8's {@code LeaderElector}, which judges a Lease by the
 * holder's {@code renewTime} against its own wall clock (not skew-safe): it is {@link
 * io.hybridcni.controller.LeaseLeadership}, the apply lock's client-go judging on a Lease of its own.
 */
package io.hybridcni.controller;
