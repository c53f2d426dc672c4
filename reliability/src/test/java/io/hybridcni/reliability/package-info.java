/**
 * Reliability runs against the testkit's servers: seeded fault schedules, a crash at every point of an apply, lost
 * answers, a failed addon task, concurrent applies; after each run the invariants hold: no data lost, and a run that
 * converged leaves the world converged.
 */
package io.hybridcni.reliability;
