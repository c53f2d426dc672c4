package io.hybridcni.apply;

import java.util.concurrent.Executor;

/** Executors whose threads never keep the JVM alive. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Runs each task on a new daemon thread of this name: for a handful of parallel reads per call. */
  public static Executor perTask(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    };
  }
}
