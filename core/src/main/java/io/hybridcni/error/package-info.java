/**
 * The exception hierarchy rooted in {@link io.hybridcni.error.HybridCniException}: bad input naming file, field and
 * expectation ({@link io.hybridcni.error.InvalidInputException}), a failed remote call with its request id
 * ({@link io.hybridcni.error.RemoteCallException}), a stale action; and the one place that decides what is sensitive
 * and keeps it out of messages ({@link io.hybridcni.error.Sensitive}, {@link io.hybridcni.error.RedactedCause}).
 */
package io.hybridcni.error;
