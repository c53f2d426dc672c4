package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Set;

/**
 * The open watches of a fabric8 CRUD mock, so that whoever stops one can wait until its watches have ended before
 * {@code destroy()}. fabric8 8.0.0's mock ends a watch on its Vert.x event loop ({@code WatchEventsListener.onClosed}
 * shuts the watch's sender down and awaits it for up to a minute), while that sender may be inside
 * {@code VertxMockWebSocket.send}, which waits up to 30 s for a write only the same event loop can do. Until the
 * sender gives up, the loop is held, and a {@code destroy()} started then fails after its own 10 s ("Unable to close
 * MockWebServer") although every test passed. The test kit's dispatchers now end watches off the loop
 * ({@link WatchEnds}), so the loop is no longer held; a watch still leaves the mock's set only at the end of
 * {@code onClosed}, and an empty set means every watch has ended; in the usual case it is at once.
 */
public final class MockWatches {

  /** Longer than the mock's 30 s wait for a websocket write, which is what can hold the end of a watch. */
  private static final Duration CLOSE_WITHIN = Duration.ofSeconds(45);

  private final Set<?> open;

  private MockWatches(Set<?> open) {
    this.open = open;
  }

  /** The watches of the CRUD store behind a mixed dispatcher (expectations first, then the store). */
  public static MockWatches of(KubernetesMixedDispatcher mixed) {
    return of((KubernetesCrudDispatcher) read(KubernetesMixedDispatcher.class, "kubernetesCrudDispatcher", mixed));
  }

  /** The watches of a CRUD store. */
  public static MockWatches of(KubernetesCrudDispatcher crud) {
    return new MockWatches((Set<?>) read(KubernetesCrudDispatcher.class, "watchEventListeners", crud));
  }

  /**
   * Waits, at most 45 s, until the mock has seen every watch end; call it after closing the clients and before
   * {@code destroy()}.
   */
  public void awaitEnded() throws InterruptedException {
    long deadline = System.nanoTime() + CLOSE_WITHIN.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /**
   * Read by reflection because fabric8 does not expose it; a fabric8 upgrade that renames the field fails here loudly
   * instead of bringing the teardown race back unseen.
   */
  private static Object read(Class<?> type, String field, Object instance) {
    try {
      Field f = type.getDeclaredField(field);
      f.setAccessible(true);
      return f.get(instance);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the fabric8 mock no longer keeps its open watches where the test kit reads them ("
          + type.getSimpleName() + "." + field + "): " + e, e);
    }
  }
}
