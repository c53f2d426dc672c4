package io.hybridcni.bench;

import java.util.function.Supplier;

/**
 * What every Aliyun call of a {@link GatedRamApi} or {@link GatedAckApi} passes through: a timer. (The call limit
 * is no gate: it is {@link io.hybridcni.aliyun.AliyunCallLimiter}, under the retrier, given to the connection.)
 */
interface CallGate {

  /** Runs {@code call}, the Aliyun operation {@code operation}, and answers its result. */
  <T> T call(String operation, Supplier<T> call);

  /** The gate for an operation without a result. */
  default void run(String operation, Runnable call) {
    call(operation, () -> {
      call.run();
      return null;
    });
  }

  /** Aliyun operations that change something; every other one only reads. */
  static boolean isWrite(String operation) {
    return operation.startsWith("Create") || operation.startsWith("Delete") || operation.startsWith("Attach")
        || operation.startsWith("Detach") || operation.startsWith("Install") || operation.startsWith("Upgrade")
        || operation.startsWith("UnInstall");
  }

  /** A gate that times each call into {@code log}. */
  static CallGate timing(CallLog log) {
    return new CallGate() {
      @Override
      public <T> T call(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        try {
          return call.get();
        } finally {
          log.record(CallLog.Side.ALIYUN, operation, isWrite(operation), System.nanoTime() - start);
        }
      }
    };
  }
}
