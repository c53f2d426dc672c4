package io.hybridcni.kube;

/**
 * How the Kubernetes writers perform a dry run ({@link io.hybridcni.apply.ExecutionContext#dryRun()}).
 *
 * <ul>
 *   <li>{@link #SERVER}: send the real request with {@code dryRun=All}; the API server validates and admits it
 *       (admission webhooks included) and persists nothing.</li>
 *   <li>{@link #CLIENT}: send no write at all; report exactly the request that would be sent (method, path and
 *       body, Secret values masked).</li>
 *   <li>{@link #AUTO} (the default): {@link #SERVER} when the API server reports a version that serves
 *       {@code dryRun=All} by default (1.18 and later, where server-side dry run is GA), {@link #CLIENT}
 *       otherwise or when the version cannot be read. A server-side dry run that an admission webhook rejects
 *       because it does not support dry runs falls back to {@link #CLIENT}.</li>
 * </ul>
 */
public enum DryRunMode {
  SERVER,
  CLIENT,
  AUTO
}
