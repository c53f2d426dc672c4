/**
 * The observed state: immutable records of what the cluster and the cloud hold ({@link
 * io.hybridcni.observe.ObservedState} with its nodes, CNI, Terway, Secret and RAM facts), and their snapshot format
 * ({@link io.hybridcni.observe.Snapshots}: deterministic YAML or JSON text, read back strictly). Secrets appear only
 * as hashes. No I/O: {@code files.SnapshotFile} puts a snapshot in a file.
 */
package io.hybridcni.observe;
