package io.hybridcni.bench;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns off the per-request logging of the fabric8 mock (java.util.logging, INFO for every request) and hybridcni's
 * own INFO logs: printing thousands of lines would be measured along with the code.
 */
final class Quiet {

  // java.util.logging keeps loggers weakly: hold the configured one, or its level is lost.
  private static final Logger MOCK_WEB_SERVER = Logger.getLogger("io.fabric8.mockwebserver");

  private Quiet() {}

  static void logs() {
    // Read by slf4j-simple when it starts, so this must run before the first logger is made.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    MOCK_WEB_SERVER.setLevel(Level.WARNING);
  }
}
