/**
 * End-to-end runs of the {@code hybridcni} command in a child JVM: a corpus of bad input that must each end in one
 * clear line, and secret hygiene at every log level.
 */
package io.hybridcni.cli;
