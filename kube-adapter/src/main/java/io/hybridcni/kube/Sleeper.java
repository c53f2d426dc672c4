package io.hybridcni.kube;

import java.time.Duration;

/** Waits between retries. Passed in so that tests never sleep for real. */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps on the calling thread. */
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
