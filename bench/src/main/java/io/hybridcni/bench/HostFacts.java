package io.hybridcni.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a result must say about where it was measured: JVM, operating system, cores, heap and load. Deliberately
 * nothing that names a machine, a user or a path.
 */
final class HostFacts {

  private HostFacts() {}

  static Map<String, Object> capture() {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    facts.put("jvmVendor", System.getProperty("java.vm.vendor"));
    facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    facts.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    facts.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    facts.put("systemLoadAverage1mAtStart", loadAverage());
    return facts;
  }

  /** The one-minute load average, or -1 where the OS does not report it; above the core count means contention. */
  static double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? -1 : Double.parseDouble(String.format(Locale.ROOT, "%.2f", load));
  }
}
