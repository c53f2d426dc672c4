/**
 * What the controller serves over HTTP: the kubelet's probes and Prometheus' metrics. {@link
 * io.hybridcni.controller.http.ControllerMetrics} and {@link io.hybridcni.controller.http.ReadinessTracker} are
 * {@link io.hybridcni.controller.ControllerListener}s of the loop; {@link io.hybridcni.controller.http.HealthServer}
 * serves them. Wired as {@code hybridcni controller --health-port PORT} does:
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * ControllerMetrics metrics = new ControllerMetrics(registry);        // a listener of the controller
 * ReadinessTracker readiness = new ReadinessTracker();                // a listener of the controller
 * HealthServer server = HealthServer.builder(registry).port(port)
 *     .live(controller::live).notReadyBecause(readiness::whyNotReady).start();
 * // on shutdown: server.close(); metrics.close(); registry.close();
 * }</pre>
 */
package io.hybridcni.controller.http;
