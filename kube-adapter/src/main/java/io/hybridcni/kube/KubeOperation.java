package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.error.CallOutcomes;
import io.hybridcni.error.RemoteCallException;
import java.util.function.Supplier;

/**
 * One Kubernetes API call as RBAC sees it: verb, API group, resource, namespace ({@code null} when cluster-wide)
 * and name. Runs the call and turns a failure into a {@link RemoteCallException} that says which permission or
 * object was involved; a 403 names the verb, resource and namespace that are not permitted.
 */
record KubeOperation(String verb, String group, String resource, String namespace, String name) {

  static final String CLUSTER_ROLE = "io/hybridcni/kube/hybridcni-clusterrole.yaml";

  static KubeOperation list(String group, String resource, String namespace) {
    return new KubeOperation("list", group, resource, namespace, null);
  }

  static KubeOperation get(String group, String resource, String namespace, String name) {
    return new KubeOperation("get", group, resource, namespace, name);
  }

  static KubeOperation create(String group, String resource, String namespace, String name) {
    return new KubeOperation("create", group, resource, namespace, name);
  }

  static KubeOperation update(String group, String resource, String namespace, String name) {
    return new KubeOperation("update", group, resource, namespace, name);
  }

  static KubeOperation delete(String group, String resource, String namespace, String name) {
    return new KubeOperation("delete", group, resource, namespace, name);
  }

  /** The read of the same object, for a failure of the read before this write. */
  KubeOperation asGet() {
    return new KubeOperation("get", group, resource, namespace, name);
  }

  /** {@code daemonsets.apps}, {@code secrets}: the resource as kubectl and RBAC error messages spell it. */
  String qualifiedResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** {@code daemonsets.apps kube-system/calico-node}. */
  String address() {
    String object = namespace == null ? (name == null ? "" : " " + name)
        : " " + namespace + "/" + (name == null ? "*" : name);
    return qualifiedResource() + object;
  }

  String scope() {
    return namespace == null ? "cluster-wide" : "in namespace " + namespace;
  }

  <T> T run(Supplier<T> call) {
    return run(call, Redaction.NONE);
  }

  <T> T run(Supplier<T> call, Redaction redaction) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      throw failure(e, redaction);
    }
  }

  /**
   * The exception hybridcni throws for a failed call. Everything the server said passes through {@code redaction}:
   * the Status's {@code message}, its {@code reason} and its {@code details.causes} (an admission webhook may put
   * what it received in any of them), and the fabric8 exception kept as the cause, whose message repeats the whole
   * Status (a masked copy of it where it held something sensitive).
   */
  RemoteCallException failure(KubernetesClientException e, Redaction redaction) {
    int code = e.getCode();
    String serverText = redaction.apply(serverMessage(e)) + redaction.apply(causes(e));
    String detail;
    String codeText;
    if (code == 403) {
      codeText = "403 Forbidden";
      detail = "hybridcni is not permitted to " + verb + " " + qualifiedResource() + " " + scope()
          + "; grant it (the adapter's ClusterRole is " + CLUSTER_ROLE + "). The API server said: " + serverText;
    } else if (code == 401) {
      codeText = "401 Unauthorized";
      detail = "the credentials of the kubeconfig were not accepted. The API server said: " + serverText;
    } else if (code <= 0) {
      codeText = null;
      detail = "the API server could not be reached: " + serverText;
    } else {
      String reason = reason(e);
      codeText = code + (reason == null ? "" : " " + redaction.apply(reason));
      detail = serverText;
    }
    // The fabric8 exception is kept as a cause only as a masked copy: its message and request may carry what the
    // redaction removed here.
    return RemoteCallException.of(verb, address(), codeText, null, detail, redaction.scrub(e),
        write() && outcomeUnknown(e));
  }

  private static String reason(KubernetesClientException e) {
    Status status = e.getStatus();
    return status == null || status.getReason() == null || status.getReason().isEmpty() ? null
        : status.getReason();
  }

  /**
   * The Status's causes that its message does not already say, as kubectl shows a validation error's fields:
   * {@code " (data[x]: Invalid value: ...; ...)"}; empty when there are none.
   */
  private static String causes(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status == null || status.getDetails() == null || status.getDetails().getCauses() == null) {
      return "";
    }
    String message = status.getMessage() == null ? "" : status.getMessage();
    StringBuilder out = new StringBuilder();
    for (StatusCause cause : status.getDetails().getCauses()) {
      String text = (cause.getField() == null || cause.getField().isEmpty() ? "" : cause.getField() + ": ")
          + (cause.getMessage() == null ? "" : cause.getMessage())
          + (cause.getReason() == null || cause.getReason().isEmpty() ? "" : " (" + cause.getReason() + ")");
      if (text.isBlank() || (cause.getMessage() != null && message.contains(cause.getMessage()))) {
        continue;
      }
      out.append(out.length() == 0 ? " (" : "; ").append(text);
    }
    return out.length() == 0 ? "" : out.append(')').toString();
  }

  private static String serverMessage(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status != null && status.getMessage() != null && !status.getMessage().isEmpty()) {
      return status.getMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** Whether this call changes something (so that a lost answer leaves its outcome unknown). */
  boolean write() {
    return !verb.equals("get") && !verb.equals("list") && !verb.equals("watch");
  }

  /**
   * A write that failed this way may have been applied: no answer (code 0 or -1: a broken connection or a timeout) or a
   * 5xx, by the rule both adapters share ({@link CallOutcomes}).
   */
  static boolean outcomeUnknown(KubernetesClientException e) {
    return CallOutcomes.outcomeUnknown(e.getCode());
  }

  static boolean notFound(KubernetesClientException e) {
    return e.getCode() == 404;
  }

  static boolean conflict(KubernetesClientException e) {
    return e.getCode() == 409;
  }

  /** Worth retrying: throttled, a server-side failure or no answer at all (0, or -1 for a request timeout). */
  static boolean transientFailure(KubernetesClientException e) {
    int code = e.getCode();
    return code == 429 || code >= 500 || code <= 0;
  }
}
