package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.files.InputFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds fabric8 clients from a kubeconfig file, the way {@code kubectl --kubeconfig --context} would. */
public final class KubeconfigClients {

  /** How long {@link #requireReachable} waits for the API server to answer at all. */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  /** How much longer than {@link #PROBE_TIMEOUT} the probe may take before it is abandoned. */
  static final Duration PROBE_GRACE = Duration.ofSeconds(5);

  private KubeconfigClients() {}

  /**
   * A client for {@code context} of the kubeconfig at {@code kubeconfig}, sending hybridcni's {@link UserAgent}.
   * Every kubeconfig file is first read
   * through {@link InputFiles} (a directory, a device, a FIFO or a file over 4 MiB is refused before fabric8 reads
   * it); nothing is sent to the API server.
   *
   * @param kubeconfig the kubeconfig file; {@code null} means fabric8's usual discovery ({@code KUBECONFIG},
   *     {@code ~/.kube/config}, in-cluster service account)
   * @param context the context to use; {@code null} means the file's current context
   * @throws InvalidInputException naming the file when it cannot be read or is not a kubeconfig
   * @throws HybridCniException when the kubeconfig names no such context
   */
  public static KubernetesClient create(Path kubeconfig, String context) {
    Config config;
    if (kubeconfig == null) {
      // The same files fabric8 is about to read, in its order; one that does not exist is skipped, as kubectl does.
      for (String name : Config.getKubeconfigFilenames()) {
        Path file = Path.of(name);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          InputFiles.read(file, InputFiles.Kind.KUBECONFIG);
        }
      }
      config = Config.autoConfigure(context);
    } else {
      // Read here only to prove the file is a bounded regular file: fabric8 reads it again itself, which keeps
      // kubectl's rule that relative certificate and token paths are relative to the kubeconfig's directory.
      InputFiles.read(kubeconfig, InputFiles.Kind.KUBECONFIG);
      try {
        config = Config.fromKubeconfig(context, kubeconfig.toFile());
      } catch (RuntimeException e) {
        throw new InvalidInputException(kubeconfig.toString(), "", "a kubeconfig (YAML with clusters, users and "
            + "contexts)" + (context == null ? "" : " that has the context " + context) + ", found one that fabric8 "
            + "cannot use: " + firstLines(e));
      }
      // fabric8 falls back to the current context when the named one does not exist; kubectl refuses, and so
      // does hybridcni: writing to another cluster than the one named would be far worse than stopping.
      if (context != null && (config.getCurrentContext() == null
          || !context.equals(config.getCurrentContext().getName()))) {
        List<String> known = config.getContexts() == null ? List.of()
            : config.getContexts().stream().map(NamedContext::getName).sorted().toList();
        throw new HybridCniException("The kubeconfig " + kubeconfig + " has no context " + context
            + "; it has " + known);
      }
    }
    config.setUserAgent(UserAgent.value());
    // Never fabric8's own HTTP logging: at TRACE it writes the bearer token and every Secret (see SafeHttpLogging).
    return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(RetryAfter.factory(SafeHttpLogging.factory())).build();
  }

  /**
   * Where {@link #create} finds its configuration, for messages: the file given, or the files fabric8 would
   * read ({@code $KUBECONFIG} or {@code ~/.kube/config}).
   */
  public static String describe(Path kubeconfig) {
    if (kubeconfig != null) {
      return kubeconfig.toString();
    }
    List<String> existing = new ArrayList<>();
    for (String name : Config.getKubeconfigFilenames()) {
      if (Files.exists(Path.of(name))) {
        existing.add(name);
      }
    }
    return existing.isEmpty() ? "(no kubeconfig file: the in-cluster service account)" : String.join(":", existing);
  }

  /**
   * Asks the API server for {@code /version} once, with a short connect and request timeout and no retries, so that
   * an API server that cannot be reached fails in seconds and before anything is observed, rather than after
   * fabric8's retries of the first real read. Any HTTP answer, even 401 or 403, means the server is there.
   *
   * @param client the client {@link #create} made
   * @param kubeconfig where its configuration came from, for the message ({@link #describe})
   * @throws HybridCniException naming the kubeconfig and the server URL when no answer came within the timeout
   */
  public static void requireReachable(KubernetesClient client, String kubeconfig) {
    int millis = (int) PROBE_TIMEOUT.toMillis();
    Config probeConfig = new ConfigBuilder(client.getConfiguration())
        .withConnectionTimeout(millis)
        .withRequestTimeout(millis)
        .withRequestRetryBackoffLimit(0)
        .build();
    long start = System.nanoTime();
    // Built as every hybridcni client is: the probe sends the same bearer token.
    try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(probeConfig)
        .withHttpClientFactory(RetryAfter.factory(SafeHttpLogging.factory())).build()) {
      // The client's own timeout does not cover everything: when its event loop fails while reading the answer
      // (an OutOfMemoryError on a heap too small for what the server sent), its future never completes and the
      // call would wait forever. So the probe runs on its own thread, and this waits a bounded time for it.
      java.util.concurrent.CompletableFuture<Object> answer = java.util.concurrent.CompletableFuture.supplyAsync(
          probe::getKubernetesVersion, runnable -> {
            Thread t = new Thread(runnable, "hybridcni-api-server-probe");
            t.setDaemon(true);
            t.start();
          });
      try {
        answer.get(millis + PROBE_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new KubernetesClientException("no answer within " + (millis + PROBE_GRACE.toMillis())
            + " ms, the client's own timeout included", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e.getCause() instanceof KubernetesClientException k ? k
            : new KubernetesClientException(String.valueOf(e.getCause()), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HybridCniException("Interrupted while probing the API server " + client.getMasterUrl(), e);
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() > 0) {
        return;
      }
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      throw new HybridCniException("Cannot reach the API server " + client.getMasterUrl() + " of the kubeconfig "
          + kubeconfig + " (no answer to GET /version after " + took + " ms: " + rootCause(e)
          + "); nothing was observed or changed", e);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + oneLine(root.getMessage()));
  }

  /**
   * The first line of the message and of its root cause's: YAML parsers go on with an excerpt of the file, and a
   * kubeconfig's excerpt may hold a token or a key.
   */
  private static String firstLines(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = firstLine(e.getMessage());
    return root == e ? top : top + " (" + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")";
  }

  private static String firstLine(String message) {
    return message == null ? "(no message)" : oneLine(message.strip().lines().findFirst().orElse(""));
  }

  /** A library message on one line. */
  private static String oneLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String line = message.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    return line.length() > 300 ? line.substring(0, 297) + "..." : line;
  }
}
