package io.hybridcni.apply;

import java.time.Duration;

/** Waits between retries and polls; passed in so that tests never sleep for real. */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps on the calling thread. */
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
