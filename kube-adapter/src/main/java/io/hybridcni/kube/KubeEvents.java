package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.error.HybridCniException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a core/v1 Event (type Normal, source component {@value #COMPONENT}) on an object hybridcni changed, so
 * that {@code kubectl describe} shows who changed it and why. Messages are built by the writers from names and
 * counts only, never from values. A failure to record is logged, not thrown: the change itself was made.
 */
final class KubeEvents {

  static final String COMPONENT = "hybridcni";
  static final String NORMAL = "Normal";

  private static final Logger LOG = LoggerFactory.getLogger(KubeEvents.class);

  private final KubernetesClient client;
  private final Clock clock;

  KubeEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** The Event about {@code involved}; cluster-scoped objects get theirs in {@code default}, as kubectl does. */
  Event event(HasMetadata involved, String reason, String message) {
    Instant now = clock.instant();
    String namespace = involved.getMetadata().getNamespace() == null ? "default"
        : involved.getMetadata().getNamespace();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    return new EventBuilder()
        .withNewMetadata()
        .withName(involved.getMetadata().getName() + "." + Long.toHexString(nanos))
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(involved.getApiVersion())
            .withKind(involved.getKind())
            .withNamespace(involved.getMetadata().getNamespace())
            .withName(involved.getMetadata().getName())
            .withUid(involved.getMetadata().getUid())
            .withResourceVersion(involved.getMetadata().getResourceVersion())
            .build())
        .withReason(reason)
        .withMessage(message)
        .withType(NORMAL)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .build();
  }

  void emit(HasMetadata involved, String reason, String message) {
    Event event = event(involved, reason, message);
    String namespace = event.getMetadata().getNamespace();
    String name = event.getMetadata().getName();
    for (int attempt = 0; ; attempt++) {
      try {
        client.v1().events().inNamespace(namespace).resource(event).create();
        return;
      } catch (KubernetesClientException e) {
        // Two Events on one object in the same clock tick get the same name (client-go names them the same way,
        // name.<unix nanos in hex>): the second one takes the next free suffix rather than being lost.
        if (attempt < 3 && e.getCode() == 409) {
          event.getMetadata().setName(name + "-" + (attempt + 1));
          continue;
        }
        HybridCniException failure = KubeOperation.create("", "events", namespace, event.getMetadata().getName())
            .failure(e, Redaction.NONE);
        LOG.warn("Could not record the {} event on {} {}: {}", reason, involved.getKind(),
            involved.getMetadata().getName(), failure.getMessage());
        return;
      }
    }
  }

  /** The request {@link #emit} would send. */
  static ClientRequest describe(Event event) {
    return new ClientRequest("POST",
        Resources.path("", "v1", "events", event.getMetadata().getNamespace(), null),
        Serialization.asJson(event));
  }
}
