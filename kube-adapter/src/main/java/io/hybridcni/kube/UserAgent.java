package io.hybridcni.kube;

import java.util.Locale;

/**
 * The {@code User-Agent} every hybridcni Kubernetes client sends, in the form client-go's
 * {@code rest.DefaultKubernetesUserAgent} gives kubectl and controllers ({@code <command>/<version> (<os>/<arch>)}):
 * {@code hybridcni/0.1.0 (linux/amd64)}. An API server's audit log records it with every request, so an operator can
 * tell hybridcni's writes from another client's (fabric8's default names only the library).
 */
public final class UserAgent {

  private UserAgent() {}

  /** hybridcni's User-Agent; the version is the jar's, or {@code development} when run from classes. */
  public static String value() {
    String version = UserAgent.class.getPackage().getImplementationVersion();
    return "hybridcni/" + (version == null ? "development" : version) + " ("
        + System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT).replace(' ', '-') + "/"
        + System.getProperty("os.arch", "unknown") + ")";
  }
}
