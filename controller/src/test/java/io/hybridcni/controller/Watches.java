package io.hybridcni.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Change sources for the tests, on the mock's watches (its CRUD mode serves them): DaemonSets and Secrets, the
 * objects these tests break. K's informer cache is the controller's real source; these stand in for it.
 */
final class Watches {

  private Watches() {}

  static ChangeSource daemonSetsAndSecrets(KubernetesClient client) {
    return onChange -> {
      Watch daemonSets = client.apps().daemonSets().inAnyNamespace().watch(new Notify<>(onChange));
      Watch secrets = client.secrets().inAnyNamespace().watch(new Notify<>(onChange));
      return () -> {
        daemonSets.close();
        secrets.close();
      };
    };
  }

  private record Notify<T>(Runnable onChange) implements Watcher<T> {
    @Override
    public void eventReceived(Action action, T resource) {
      onChange.run();
    }

    @Override
    public void onClose(WatcherException cause) {
      // The controller's resync still comes; a test that needs the watch fails on its own timeout.
      System.err.println("watch closed: " + cause.getMessage());
    }
  }
}
