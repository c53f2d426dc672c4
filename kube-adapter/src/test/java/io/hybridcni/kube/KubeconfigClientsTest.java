package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.InvalidInputException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubeconfig is read through the bounded reader before fabric8 sees it, and an API server that does not answer is
 * a one-line error in seconds naming the kubeconfig and the server, before anything is observed.
 */
@EnableKubernetesMockClient(crud = true)
class KubeconfigClientsTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir
  Path dir;

  private Path kubeconfig(String server) throws Exception {
    return Files.writeString(dir.resolve("kubeconfig"), String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "current-context: hybrid",
        "clusters:",
        "- name: c",
        "  cluster: {server: '" + server + "', insecure-skip-tls-verify: true}",
        "contexts:",
        "- name: hybrid",
        "  context: {cluster: c, user: ops}",
        "users:",
        "- name: ops",
        "  user: {token: tok-3f9a1c77e2b84d05}",
        ""));
  }

  @Test
  void aDirectoryGivenAsTheKubeconfigIsOneLineNamingIt() {
    assertThatThrownBy(() -> KubeconfigClients.create(dir, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(dir + ": (document): a kubeconfig (a regular file), found a directory");
  }

  @Test
  void devZeroGivenAsTheKubeconfigIsRefusedWithoutReadingIt() {
    Path zero = Path.of("/dev/zero");
    org.assertj.core.api.Assumptions.assumeThat(Files.exists(zero)).isTrue();

    assertThatThrownBy(() -> KubeconfigClients.create(zero, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("/dev/zero: (document): a kubeconfig (a regular file), found a character device, which is not read");
  }

  @Test
  void aKubeconfigThatIsNotYamlIsOneLineThatDoesNotQuoteTheFile() throws Exception {
    Path bad = Files.writeString(dir.resolve("kubeconfig"),
        "apiVersion: v1\nusers:\n- name: ops\n  user: {token: tok-3f9a1c77e2b84d05\n  : [\n");

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> KubeconfigClients.create(bad, null));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).startsWith(bad + ": (document): a kubeconfig (YAML with clusters, users and contexts)")
        .doesNotContain("\n").doesNotContain("tok-3f9a1c77e2b84d05");
  }

  @Test
  void aReachableApiServerPassesTheProbeEvenWhenVersionIsNotServed() throws Exception {
    try (KubernetesClient fromFile = KubeconfigClients.create(kubeconfig(server.url("/")), null)) {
      KubeconfigClients.requireReachable(fromFile, "kubeconfig");
    }
  }

  @Test
  void aClientFromAKubeconfigNamesHybridcniAsItsUserAgentAsClientGoNamesItsCommand() throws Exception {
    while (server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
      // earlier tests' requests
    }
    try (KubernetesClient fromFile = KubeconfigClients.create(kubeconfig(server.url("/")), null)) {
      fromFile.namespaces().withName("kube-system").get();
    }

    String agent = server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS).getHeader("User-Agent");
    assertThat(agent).isEqualTo(UserAgent.value()).matches("hybridcni/\\S+ \\([a-z0-9-]+/[a-z0-9_]+\\)");
  }

  @Test
  void anApiServerThatRefusesConnectionsFailsInSecondsNamingTheKubeconfigAndTheServer() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path file = kubeconfig("https://127.0.0.1:" + port);

    long start = System.nanoTime();
    HybridCniException e;
    try (KubernetesClient unreachable = KubeconfigClients.create(file, null)) {
      e = catchThrowableOfType(HybridCniException.class,
          () -> KubeconfigClients.requireReachable(unreachable, KubeconfigClients.describe(file)));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("refused connection reported after " + took.toMillis() + " ms: " + e.getMessage());

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).startsWith("Cannot reach the API server https://127.0.0.1:" + port + "/ of the "
        + "kubeconfig " + file + " (no answer to GET /version after ").endsWith("; nothing was observed or changed")
        .doesNotContain("\n");
    // Generous: the probe has no retries and a 5 s timeout; fabric8's own retries of a first read took 25 s.
    assertThat(took).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void anApiServerThatAcceptsButNeverAnswersFailsAtTheProbeTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Path file = kubeconfig("http://127.0.0.1:" + silent.getLocalPort());

      long start = System.nanoTime();
      HybridCniException e;
      try (KubernetesClient quiet = KubeconfigClients.create(file, null)) {
        e = catchThrowableOfType(HybridCniException.class, () -> KubeconfigClients.requireReachable(quiet, "k"));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.println("silent server reported after " + took.toMillis() + " ms: " + e.getMessage());

      assertThat(e).isNotNull();
      assertThat(e.getMessage()).contains("Cannot reach the API server http://127.0.0.1:" + silent.getLocalPort());
      assertThat(took).isGreaterThanOrEqualTo(KubeconfigClients.PROBE_TIMEOUT.minusMillis(500))
          .isLessThan(Duration.ofSeconds(20));
    }
  }
}
