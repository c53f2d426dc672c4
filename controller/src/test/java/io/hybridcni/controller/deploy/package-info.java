/**
 * Tests of what installs the controller: the manifests of {@code deploy/} and the Helm chart of
 * {@code charts/hybridcni/}, read as Kubernetes objects; the chart rendered by a renderer for the small template
 * subset it uses; the ClusterRole judged against what {@code hybridcni permissions} prints; and a scan for
 * credentials.
 */
package io.hybridcni.controller.deploy;
