package io.hybridcni.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.testkit.kube.WatchEnds;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Simulated API servers in a child JVM: one fabric8 CRUD mock behind a {@link ClusterPathRouter} serving the given
 * cluster ids, so that the benchmark's process holds only the client ends of its members' connections (in one
 * process every loopback connection costs a descriptor at each end). The child prints {@code URL <base>} once its
 * mock listens and stays up until its standard input closes: a parent that dies closes the pipe, and the child goes
 * with it.
 */
final class ChildMockServers implements AutoCloseable {

  private static final String URL_LINE = "URL ";

  private final List<Process> children;
  private final List<String> baseUrls;

  private ChildMockServers(List<Process> children, List<String> baseUrls) {
    this.children = children;
    this.baseUrls = baseUrls;
  }

  /**
   * Starts one child JVM per group of cluster ids and waits until each listens.
   *
   * @param groups the cluster ids each child serves
   * @param xmx the {@code -Xmx} of every child
   * @param logDir where each child's standard error goes
   */
  static ChildMockServers start(List<List<String>> groups, String xmx, Path logDir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<Process> started = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    try {
      for (int g = 0; g < groups.size(); g++) {
        Path ids = logDir.resolve("child-" + g + ".ids");
        Files.write(ids, groups.get(g), StandardCharsets.UTF_8);
        List<String> command = List.of(java, "-Xmx" + xmx, "-XX:+UseSerialGC", "-cp", classpath,
            ChildMockServers.class.getName(), ids.toString());
        started.add(new ProcessBuilder(command).redirectError(logDir.resolve("child-" + g + ".err").toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE).start());
      }
      for (int g = 0; g < started.size(); g++) {
        urls.add(readUrl(started.get(g), logDir.resolve("child-" + g + ".err").toFile()));
      }
      return new ChildMockServers(started, urls);
    } catch (IOException | RuntimeException e) {
      new ChildMockServers(started, urls).close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private static String readUrl(Process child, File err) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(URL_LINE)) {
        // Keep draining, so that a child printing more never blocks on a full pipe.
        InputStream rest = child.getInputStream();
        Thread drain = new Thread(() -> {
          try {
            rest.transferTo(OutputStream.nullOutputStream());
          } catch (IOException ignored) {
            // the child ended
          }
        }, "child-mock-drain");
        drain.setDaemon(true);
        drain.start();
        return line.substring(URL_LINE.length()).trim();
      }
    }
    throw new IllegalStateException("a mock server child ended before it listened (exit "
        + waitExit(child) + "); see " + err.getName());
  }

  private static String waitExit(Process child) {
    try {
      return child.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(child.exitValue()) : "none yet";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The base URL ({@code http://host:port}) of child {@code g}; a cluster is under {@link ClusterPathRouter#PREFIX}. */
  String baseUrl(int g) {
    return baseUrls.get(g);
  }

  /** The children's process ids. */
  List<Long> pids() {
    return children.stream().map(Process::pid).toList();
  }

  /** Every child's exit value, once {@link #close()} returned. */
  List<Integer> exitValues() {
    return children.stream().map(Process::exitValue).toList();
  }

  /** Closes every child's standard input, then waits for it (and kills it after a while). */
  @Override
  public void close() {
    for (Process child : children) {
      try {
        child.getOutputStream().close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (Process child : children) {
      try {
        if (!child.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        child.destroyForcibly();
      }
    }
  }

  /**
   * The child: serves the cluster ids listed one a line in {@code args[0]} until standard input closes.
   *
   * @param args the file of cluster ids
   */
  public static void main(String[] args) throws IOException {
    Quiet.logs();
    PrintStream out = System.out;
    ClusterPathRouter router = new ClusterPathRouter();
    for (String id : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      if (!id.isBlank()) {
        router.add(id.trim());
      }
    }
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        WatchEnds.wrap(router), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    out.println(URL_LINE + "http://" + server.getHostName() + ":" + server.getPort());
    out.flush();
    try {
      System.in.transferTo(OutputStream.nullOutputStream());
    } finally {
      server.destroy();
    }
    System.exit(0);
  }
}
