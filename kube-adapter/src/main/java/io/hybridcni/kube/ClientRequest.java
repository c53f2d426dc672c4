package io.hybridcni.kube;

/**
 * A request as a client-side dry run reports it: method, path (with query) and body. The body must already be
 * masked where it would carry a secret.
 */
record ClientRequest(String method, String path, String body) {

  String render() {
    return body == null ? method + " " + path : method + " " + path + "\n" + body;
  }
}
