/**
 * Small runnable programs showing the Java API: planning from files without touching a cluster ({@link
 * io.hybridcni.examples.PlanDryRun}) and embedding the reconciler ({@link io.hybridcni.examples.EmbedReconciler}).
 * Each runs as a test.
 */
package io.hybridcni.examples;
