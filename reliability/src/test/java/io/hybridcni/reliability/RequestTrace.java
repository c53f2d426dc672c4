package io.hybridcni.reliability;

import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ReconcileResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The requests one fault-free run of a {@link FaultSchedule.Scenario} makes, in the order the servers saw them, with
 * the end of each action marked: what a {@link FaultSchedule} may queue faults for. A fault on a request the run
 * never makes can never fire; a fault on a request the run makes only after a fault that may stop it may not fire
 * either. The trace tells both apart, so that every queued fault is one the run reaches.
 *
 * <p>Entries are {@code "aliyun <Operation>"}, {@code "kube <METHOD> <path without query>"} and
 * {@code "end <action id>"}. The Lease's own requests are left out: the lock renews on a timer, so where they fall
 * is no property of the run (faults on them are placed by the schedule's slow step instead). Kubernetes and Aliyun
 * requests of one observation run in parallel, so their relative order inside one observation may differ between
 * runs; their order relative to the writes (which are made one at a time, between observations) does not.
 */
final class RequestTrace {

  private static final Map<FaultSchedule.Scenario, RequestTrace> CACHE = new ConcurrentHashMap<>();

  final FaultSchedule.Scenario scenario;
  final List<String> entries;
  /** The index of the run's first write (a change of the cloud or the cluster, the Lease's aside). */
  final int firstWrite;

  private RequestTrace(FaultSchedule.Scenario scenario, List<String> entries) {
    this.scenario = scenario;
    this.entries = List.copyOf(entries);
    int first = -1;
    for (int i = 0; i < this.entries.size(); i++) {
      if (isWrite(this.entries.get(i))) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      throw new IllegalStateException("the fault-free " + scenario + " run made no write: " + entries);
    }
    this.firstWrite = first;
  }

  /**
   * The trace of {@code scenario}, recorded once per JVM by a fault-free run in {@code world} (which it resets), wired
   * as the faulted runs are.
   */
  static RequestTrace of(World world, FaultSchedule.Scenario scenario) {
    return CACHE.computeIfAbsent(scenario, s -> record(world, s));
  }

  private static RequestTrace record(World world, FaultSchedule.Scenario scenario) {
    scenario.prepare(world);
    List<String> entries = Collections.synchronizedList(new ArrayList<>());
    world.kubeFaults().listener((method, path, fault) -> {
      String p = withoutQuery(path);
      if (!p.startsWith(FaultSchedule.LEASES_PATH)) {
        entries.add("kube " + method + " " + p);
      }
    });
    world.aliyun().faults().listener((operation, injected) -> entries.add("aliyun " + operation));
    Crash watch = new Crash(world, Crash.Point.none());
    ReconcileResult result = scenario.run(world.reconciler(new World.Wiring().ram(watch::around)
        .executors(e -> marking(e, entries))), "trace-run", java.time.Duration.ZERO);
    world.kubeFaults().listener((method, path, fault) -> { });
    world.aliyun().faults().listener((operation, injected) -> { });
    if (!result.converged()) {
      throw new IllegalStateException("the fault-free " + scenario + " run did not converge: " + result.why());
    }
    return new RequestTrace(scenario, entries);
  }

  private static ActionExecutor<?> marking(ActionExecutor<?> executor, List<String> entries) {
    return executor.around((action, context, step) -> {
      try {
        return step.get();
      } finally {
        entries.add("end " + action.id());
      }
    });
  }

  static String withoutQuery(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  /** Whether an Aliyun operation changes something (the observer's reads and the addon's polls do not). */
  static boolean aliyunWrite(String operation) {
    return List.of("Create", "Delete", "Attach", "Detach", "Install", "UnInstall", "Upgrade", "Update", "Modify")
        .stream().anyMatch(operation::startsWith);
  }

  static boolean isWrite(String entry) {
    if (entry.startsWith("aliyun ")) {
      return aliyunWrite(entry.substring("aliyun ".length()));
    }
    return entry.startsWith("kube ") && !entry.startsWith("kube GET ");
  }

  /** The index of the first entry {@code key} at or after {@code from}, or -1. */
  int first(String key, int from) {
    for (int i = Math.max(from, 0); i < entries.size(); i++) {
      if (entries.get(i).equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The distinct entries matching {@code which} at or after {@code from}, in the order of their first occurrence. */
  List<String> distinct(Predicate<String> which, int from) {
    LinkedHashSet<String> found = new LinkedHashSet<>();
    for (int i = Math.max(from, 0); i < entries.size(); i++) {
      if (which.test(entries.get(i))) {
        found.add(entries.get(i));
      }
    }
    return List.copyOf(found);
  }

  /** The ids of the run's actions, in the order they ended. */
  List<String> actions() {
    return distinct(e -> e.startsWith("end "), 0).stream().map(e -> e.substring("end ".length())).toList();
  }

  /** The index where action {@code id} ended, or -1. */
  int endOf(String id) {
    return first("end " + id, 0);
  }
}
