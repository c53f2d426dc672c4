/**
 * The only package of {@code core} that touches the file system: reading a file a user names within its size limit
 * ({@link io.hybridcni.files.InputFiles}), and specs and snapshots as files ({@link io.hybridcni.files.SpecFile},
 * {@link io.hybridcni.files.SnapshotFile}) around the pure parsers in {@code spec} and {@code observe}, which own the
 * strict reading and its messages. An ArchUnit rule keeps file I/O here.
 */
package io.hybridcni.files;
