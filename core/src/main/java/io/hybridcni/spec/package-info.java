/**
 * The desired state: {@link io.hybridcni.spec.HybridNetworkSpec} and its parts, the rules it must satisfy, its
 * digest, and its strict YAML parse ({@link io.hybridcni.spec.SpecFiles}: every problem with field path and
 * expectation). No file I/O: {@code files.SpecFile} reads a spec file.
 */
package io.hybridcni.spec;
