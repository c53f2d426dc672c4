/**
 * The {@code HybridNetwork} custom resource: its model (from which the CRD is generated at build time), the
 * conversion of its spec through {@code SpecFiles}' rules, the informer that reads it, and the writer of its status
 * conditions.
 */
package io.hybridcni.controller.resource;
