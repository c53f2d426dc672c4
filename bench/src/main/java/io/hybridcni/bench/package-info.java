/**
 * The benchmark harness: a main per benchmark and {@link io.hybridcni.bench.BenchHarness}, which runs all four and
 * writes {@code bench/results/<name>.json}. Nothing here runs in the build's test phase except a smoke test with
 * tiny parameters.
 */
package io.hybridcni.bench;
