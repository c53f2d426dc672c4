/**
 * Which runbook scenario the on-premises network puts the cluster in, decided from the observed CNI facts alone
 * ({@link io.hybridcni.detect.ScenarioDetector}), with the evidence and the findings for signals that do not agree
 * ({@link io.hybridcni.detect.Detection}). Pure: no I/O, no clock. It depends on {@code plan} for the scenario and
 * finding types and never the other way round.
 */
package io.hybridcni.detect;
