package io.hybridcni.controller;

/**
 * Something that says "what the plan depends on may have changed": the informer caches of the cluster, a periodic
 * resync, the poll of the Alibaba Cloud side. The controller debounces what it hears, so a source may call often.
 */
@FunctionalInterface
public interface ChangeSource {

  /**
   * Calls {@code onChange} (from any thread) whenever something may have changed, until the returned handle is
   * closed.
   */
  AutoCloseable subscribe(Runnable onChange);
}
