package io.hybridcni.observe;

/** The Terway DaemonSet as observed, with its placement rules; {@code null} in the state when not installed. */
public record TerwayFacts(Workload daemonSet) {}
