package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a collection page by page ({@code limit} and {@code continue}), handing each item to a consumer and
 * dropping the page, so that a large cluster is never held in memory as API objects. A {@code continue} token
 * that expired (410 Gone) restarts the listing from the first page, a bounded number of times.
 */
final class Pager {

  private static final Logger LOG = LoggerFactory.getLogger(Pager.class);
  static final int RESTARTS = 2;

  private Pager() {}

  /** Counts of one listing, for logs. */
  record Pages(int pages, int items) {}

  /**
   * @param restart called before the listing starts over after a 410, so that the consumer forgets what it saw
   */
  static <T extends HasMetadata> Pages forEach(KubeOperation operation, int pageSize,
      Function<ListOptions, ? extends KubernetesResourceList<T>> lister, Consumer<T> consumer, Runnable restart) {
    int run = 0;
    listing:
    while (true) {
      int pages = 0;
      int items = 0;
      String token = null;
      do {
        ListOptions options = new ListOptionsBuilder().withLimit((long) pageSize).withContinue(token).build();
        KubernetesResourceList<T> page;
        try {
          page = lister.apply(options);
        } catch (KubernetesClientException e) {
          if (e.getCode() == 410 && token != null && run < RESTARTS) {
            run++;
            LOG.info("{} {}: the continue token expired (410 Gone); listing again from the first page",
                operation.verb(), operation.address());
            restart.run();
            continue listing;
          }
          throw operation.failure(e, Redaction.NONE);
        }
        pages++;
        if (page.getItems() != null) {
          for (T item : page.getItems()) {
            consumer.accept(item);
            items++;
          }
        }
        token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
      } while (token != null && !token.isEmpty());
      LOG.debug("{} {}: {} item(s) in {} page(s)", operation.verb(), operation.address(), items, pages);
      return new Pages(pages, items);
    }
  }
}
