package io.hybridcni.observe;

import java.util.Objects;

/** Whether a namespace exists (a GET of the Namespace answered it, or answered 404). */
public record NamespaceFacts(String name, boolean present) {

  public NamespaceFacts {
    Objects.requireNonNull(name, "name");
  }
}
