/**
 * Running a plan: {@link io.hybridcni.apply.Reconciler} observes, plans and applies through the executors the
 * adapters provide ({@link io.hybridcni.apply.ActionExecutor}), each action after its dependencies and after its facts
 * are re-checked, and reports every outcome in an {@link io.hybridcni.apply.ApplyResult}. Waiting comes in
 * as an argument ({@link io.hybridcni.apply.Sleeper}), so tests never wait for real; the observers run on daemon
 * threads ({@link io.hybridcni.apply.DaemonThreads}).
 */
package io.hybridcni.apply;
