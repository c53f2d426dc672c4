package io.hybridcni.aliyun;

import java.time.Duration;

/** Waits; injected so that tests never sleep for real. */
@FunctionalInterface
public interface Sleeper {

  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
