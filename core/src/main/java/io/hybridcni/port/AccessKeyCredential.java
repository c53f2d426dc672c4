package io.hybridcni.port;

import java.util.Objects;

/** A RAM AccessKey as created: its id (not secret) and its secret (masked everywhere). */
public record AccessKeyCredential(String accessKeyId, SecretValue accessKeySecret) {

  public AccessKeyCredential {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(accessKeySecret, "accessKeySecret");
  }
}
