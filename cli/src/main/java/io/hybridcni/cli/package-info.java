/**
 * The {@code hybridcni} command (picocli): {@code plan}, {@code apply}, {@code destroy}, {@code status}, {@code
 * snapshot}, {@code permissions} and {@code demo}, their options, exit codes and terminal output, and the wiring of
 * the adapters into a {@link io.hybridcni.apply.Reconciler} ({@link io.hybridcni.cli.LiveEnvironment}, or a
 * simulated world for {@code demo}).
 */
package io.hybridcni.cli;
