package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads Kubernetes manifests (multi-document YAML) from this package's resources by file name, and creates them
 * through the API. Custom resources hybridcni knows (Calico {@code IPPool}, Tigera {@code Installation}) are
 * created with their plural spelled out, so no API discovery is needed on the mock server.
 */
public final class KubeManifests {

  /** Where the YAML files live on the class path. */
  public static final String RESOURCE_DIRECTORY = "io/hybridcni/testkit/kube/";

  private static final Map<String, ResourceDefinitionContext> CUSTOM = Map.of(
      "crd.projectcalico.org/v1/IPPool", new ResourceDefinitionContext.Builder().withGroup("crd.projectcalico.org")
          .withVersion("v1").withPlural("ippools").withKind("IPPool").withNamespaced(false).build(),
      "operator.tigera.io/v1/Installation", new ResourceDefinitionContext.Builder().withGroup("operator.tigera.io")
          .withVersion("v1").withPlural("installations").withKind("Installation").withNamespaced(false).build());

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private KubeManifests() {}

  /**
   * The objects of {@code fileName} (e.g. {@code calico-bgp.yaml}) in {@link #RESOURCE_DIRECTORY}, in file order.
   * Kinds without a fabric8 model come back as {@link GenericKubernetesResource}.
   */
  public static List<HasMetadata> load(String fileName) {
    String resource = RESOURCE_DIRECTORY + fileName;
    try (InputStream in = KubeManifests.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no manifest " + resource + " on the class path");
      }
      Object parsed = SERIALIZATION.unmarshal(in);
      List<HasMetadata> objects = new ArrayList<>();
      if (parsed instanceof List<?> list) {
        list.forEach(o -> objects.add((HasMetadata) o));
      } else if (parsed != null) {
        objects.add((HasMetadata) parsed);
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** Creates every object through {@code client}, in order. */
  public static void create(KubernetesClient client, List<? extends HasMetadata> objects) {
    for (HasMetadata object : objects) {
      ResourceDefinitionContext custom = CUSTOM.get(object.getApiVersion() + "/" + object.getKind());
      if (custom != null) {
        client.genericKubernetesResources(custom).resource((GenericKubernetesResource) object).create();
      } else if (object instanceof GenericKubernetesResource) {
        throw new IllegalArgumentException("no plural known for " + object.getApiVersion() + " "
            + object.getKind() + "; add it to KubeManifests");
      } else {
        client.resource(object).create();
      }
    }
  }

  /** The plural-aware context of a custom resource the fixtures use ({@code IPPool}, {@code Installation}). */
  public static ResourceDefinitionContext customResource(String apiVersion, String kind) {
    ResourceDefinitionContext context = CUSTOM.get(apiVersion + "/" + kind);
    if (context == null) {
      throw new IllegalArgumentException("no custom resource " + apiVersion + " " + kind);
    }
    return context;
  }
}
