package io.hybridcni.controller.resource;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.hybridcni.controller.ChangeSource;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spec of a controller that reads it from one {@link HybridNetwork} instead of a file. A fabric8 informer watches
 * that one object (a list and watch with the field selector {@code metadata.name=<name>}), so reading the spec costs
 * no request; subscribers hear when the resource appears, disappears or its {@code metadata.generation} changes,
 * which the API server bumps for a change of the spec and never for one of the status, so the status the controller
 * writes does not wake it again.
 */
public final class HybridNetworkSource implements ChangeSource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HybridNetworkSource.class);

  private final String namespace;
  private final String name;
  private final SharedIndexInformer<HybridNetwork> informer;
  private final CopyOnWriteArrayList<Runnable> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong generation = new AtomicLong();
  private CompletionStage<Void> synced;

  private HybridNetworkSource(KubernetesClient client, String namespace, String name) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.informer = client.resources(HybridNetwork.class).inNamespace(namespace).withName(name).runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(HybridNetwork resource) {
        changed("created");
      }

      @Override
      public void onUpdate(HybridNetwork before, HybridNetwork after) {
        if (!Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())) {
          changed("generation " + after.getMetadata().getGeneration());
        }
      }

      @Override
      public void onDelete(HybridNetwork resource, boolean finalStateUnknown) {
        changed("deleted");
      }
    });
  }

  /**
   * Starts watching the resource {@code namespace/name}; {@link #synced()} completes once the first list is in. The
   * resource need not exist yet: {@link #spec()} says so until it does.
   */
  public static HybridNetworkSource start(KubernetesClient client, String namespace, String name) {
    HybridNetworkSource source = unstarted(client, namespace, name);
    source.startWatching();
    return source;
  }

  /**
   * A source whose informer has not started, so a subscriber added now hears the first add too: once the informer
   * runs, its events reach the handlers on the informer's own thread, and one added after {@link #start} may or may
   * not hear the add of a resource that already exists (client-go's rule alike: register handlers before Run).
   */
  static HybridNetworkSource unstarted(KubernetesClient client, String namespace, String name) {
    return new HybridNetworkSource(client, namespace, name);
  }

  /** Starts the informer of a source made by {@link #unstarted}; returns {@link #synced()}. */
  CompletionStage<Void> startWatching() {
    if (synced != null) {
      throw new IllegalStateException(HybridNetwork.describe(namespace, name) + ": the source was already started");
    }
    synced = informer.start();
    return synced;
  }

  /** Completes when the informer holds its first full view (the resource, or that there is none). */
  public CompletionStage<Void> synced() {
    return synced;
  }

  /** The resource as last seen by the watch, if there is one. */
  public Optional<HybridNetwork> resource() {
    return Optional.ofNullable(informer.getStore().getByKey(namespace + "/" + name));
  }

  /**
   * The network spec the resource holds now, judged by {@code SpecFiles}' rules ({@link ResourceSpecs}); remembers
   * its generation for {@link #generation()}. Throws {@link InvalidInputException} naming the resource and each bad
   * {@code spec.} field, or naming the resource when it does not exist.
   */
  public HybridNetworkSpec spec() {
    HybridNetwork resource = resource().orElseThrow(() -> new InvalidInputException(
        HybridNetwork.describe(namespace, name), "metadata.name", "an existing " + HybridNetwork.KIND + " named "
            + name + " in namespace " + namespace + ", found none"));
    Long g = resource.getMetadata().getGeneration();
    generation.set(g == null ? 0 : g);
    return ResourceSpecs.toSpec(resource);
  }

  /** The {@code metadata.generation} of the spec {@link #spec()} returned or refused last; 0 before the first. */
  public long generation() {
    return generation.get();
  }

  @Override
  public AutoCloseable subscribe(Runnable onChange) {
    Objects.requireNonNull(onChange, "onChange");
    subscribers.add(onChange);
    return () -> subscribers.remove(onChange);
  }

  private void changed(String what) {
    LOG.debug("{}: {}", HybridNetwork.describe(namespace, name), what);
    for (Runnable subscriber : subscribers) {
      subscriber.run();
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
