package io.hybridcni.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** Heap and allocation readings; approximate by nature, so every result that uses them says how they were taken. */
final class Memory {

  private Memory() {}

  /** Heap in use after asking for full collections until the number settles (at most 5 tries). */
  static long usedHeapAfterGc() {
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < 64 * 1024) {
        return used;
      }
      previous = used;
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * The bytes allocated so far by the live threads whose names start with {@code prefix} (HotSpot's per-thread
   * allocation counter); -1 where the JVM does not count.
   */
  static long allocatedByThreads(String prefix) {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
        || !threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
      return -1;
    }
    long[] ids = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix))
        .mapToLong(Thread::getId).toArray();
    return Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
  }
}
