package io.hybridcni.controller.resource;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One registered cluster's hybrid network as a Kubernetes object ({@code hybridnetworks.hybridcni.io}, short name
 * {@code hn}): its {@code spec} is the body of a spec file, its {@code status} what the controller last found. The
 * CRD is generated from this class at build time; the names are fixed because the RBAC rules and the chart use them.
 */
@Group(HybridNetwork.GROUP)
@Version(HybridNetwork.VERSION)
@Kind(HybridNetwork.KIND)
@Plural(HybridNetwork.PLURAL)
@Singular("hybridnetwork")
@ShortNames("hn")
@AdditionalPrinterColumn(name = "Scenario", jsonPath = ".status.scenario", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Drifted", jsonPath = ".status.conditions[?(@.type==\"Drifted\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Blocked", jsonPath = ".status.conditions[?(@.type==\"Blocked\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class HybridNetwork extends CustomResource<HybridNetworkResourceSpec, HybridNetworkResourceStatus>
    implements Namespaced {

  private static final long serialVersionUID = 1L;

  /** The API group. */
  public static final String GROUP = "hybridcni.io";
  /** The one served version; the same string a spec file carries in {@code apiVersion}. */
  public static final String VERSION = "v1alpha1";
  /** The kind, as in a spec file. */
  public static final String KIND = "HybridNetwork";
  /** The resource name in URLs and RBAC rules. */
  public static final String PLURAL = "hybridnetworks";
  /** The CRD's name, and its file name under {@code deploy/crds/} and the chart's {@code crds/}. */
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  /** {@code HybridNetwork <namespace>/<name>}: how errors and logs name this resource. */
  public String describe() {
    return describe(getMetadata().getNamespace(), getMetadata().getName());
  }

  /** {@code HybridNetwork <namespace>/<name>}. */
  public static String describe(String namespace, String name) {
    return KIND + " " + namespace + "/" + name;
  }
}
