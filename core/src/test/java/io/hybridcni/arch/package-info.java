/**
 * Tests of the code's shape rather than its behaviour: ArchUnit rules for core's purity and layering, and the check that
 * every package says what it holds.
 */
package io.hybridcni.arch;
