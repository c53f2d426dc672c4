/**
 * The ports: the interfaces through which {@code core} reads the cluster and the cloud and stores secrets
 * ({@link io.hybridcni.port.ClusterObserver}, {@link io.hybridcni.port.CloudObserver}, {@link
 * io.hybridcni.port.SecretStore}, ...), implemented by the adapters, and the small values they exchange, such as
 * an {@link io.hybridcni.port.AccessKeyCredential} that never prints its secret.
 */
package io.hybridcni.port;
