package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.error.RedactedCause;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.SecretForms;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * An API server or an admission webhook refusing a Secret write echoes what it received: in the Status's
 * {@code message}, its {@code reason}, its {@code details.causes} (message and field), as a Go {@code []byte}, as
 * (URL-encoded) base64, or cut short. Whatever the place and the form, the exception the store throws, its whole
 * cause chain and its stack trace carry none of it; and the echo did arrive (its masked remains are there).
 */
@EnableKubernetesMockClient(crud = true)
class ServerEchoRedactionTest {

  static final String SECRET = "EchoSecretQ7mW2xV9kL4pR8tZ3nB5c";
  static final AccessKeyCredential KEY = new AccessKeyCredential("LTAI5tEchoTestKey0001", SecretValue.of(SECRET));
  static final String COLLECTION = "/api/v1/namespaces/kube-system/secrets";

  // One server for the class (each case only queues its answer): a mock server per case is slow on a busy machine.
  static KubernetesMockServer server;
  static KubernetesClient client;

  static Stream<Arguments> echoes() {
    List<Arguments> cases = new ArrayList<>();
    for (Map.Entry<String, String> echo : SecretForms.echoes(SECRET).entrySet()) {
      String form = echo.getValue();
      cases.add(Arguments.of("message, " + echo.getKey(), status(422, "Invalid",
          "admission webhook \"audit\" denied the request: data access-key-secret=" + form, null, null)));
      cases.add(Arguments.of("reason, " + echo.getKey(), status(422, "Denied:" + form, "denied by policy", null,
          null)));
      cases.add(Arguments.of("details.causes[].message, " + echo.getKey(), status(422, "Invalid",
          "Secret \"alibaba-addon-secret\" is invalid", "data[access-key-secret]", "Invalid value: " + form)));
      cases.add(Arguments.of("details.causes[].field, " + echo.getKey(), status(422, "Invalid",
          "Secret \"alibaba-addon-secret\" is invalid", "data[" + form + "]", "Forbidden: unknown key")));
    }
    return cases.stream();
  }

  private static Status status(int code, String reason, String message, String field, String causeMessage) {
    StatusBuilder b = new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason)
        .withMessage(message);
    if (field != null) {
      b.withNewDetails().withKind("secrets").withName("alibaba-addon-secret").addNewCause().withField(field)
          .withMessage(causeMessage).withReason("FieldValueInvalid").endCause().endDetails();
    }
    return b.build();
  }

  private KubernetesSecretStore store() {
    return KubernetesSecretStore.builder(client).maxAttempts(1).sleeper(d -> { }).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("echoes")
  void anEchoOfTheNewKeyInAnyPlaceAndFormLeavesNoTraceInTheFailure(String name, Status answer) {
    server.expect().post().withPath(COLLECTION).andReturn(answer.getCode(), answer).once();

    Throwable failure = catchThrowable(() -> store().writeAccessKey("kube-system", "alibaba-addon-secret", KEY));

    assertThat(failure).as(name).isNotNull().hasMessageContaining("create on secrets kube-system/alibaba-addon-secret");
    String all = everything(failure);
    assertThat(SecretForms.hits(all, SECRET)).as(name + ":\n" + all).isEmpty();
    assertThat(all).as("the echo reached the store and was masked").contains("(sensitive value)");
    assertThat(failure.getCause()).as("the fabric8 exception stays in the chain, masked")
        .isInstanceOf(RedactedCause.class);
    assertThat(((RedactedCause) failure.getCause()).originalClassName()).contains("KubernetesClientException");
  }

  @Test
  void causesTheMessageDoesNotSayAreNamedWithTheirField() {
    server.expect().post().withPath(COLLECTION).andReturn(422, status(422, "Invalid",
        "Secret \"alibaba-addon-secret\" is invalid", "metadata.labels", "Invalid value: \"x y\"")).once();

    Throwable failure = catchThrowable(() -> store().writeAccessKey("kube-system", "alibaba-addon-secret", KEY));

    assertThat(failure).hasMessageContaining("422 Invalid: Secret \"alibaba-addon-secret\" is invalid "
        + "(metadata.labels: Invalid value: \"x y\" (FieldValueInvalid))");
  }

  @Test
  void anEchoOfAnotherKeyOfTheSecretIsMaskedToo() {
    // A key hybridcni did not write (another addon's): the update sends it back, and the webhook echoes it.
    String foreign = "ForeignAddonToken9Hq3Lz7Xc1Vb";
    client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
        .withName("shared-addon-secret").withNamespace("kube-system").endMetadata().withType("Opaque")
        .addToData("other-addon-token", SecretForms.base64(foreign)).build()).create();
    server.expect().put().withPath(COLLECTION + "/shared-addon-secret").andReturn(403, status(403, "Forbidden",
        "admission webhook denied: other-addon-token=" + SecretForms.goBytes(foreign) + " and "
            + SecretForms.urlEncodedBase64(foreign), null, null)).once();

    Throwable failure = catchThrowable(() -> store().writeAccessKey("kube-system", "shared-addon-secret", KEY));

    String all = everything(failure);
    assertThat(failure).hasMessageContaining("403 Forbidden");
    assertThat(SecretForms.hits(all, foreign)).as(all).isEmpty();
    assertThat(all).contains("other-addon-token=(sensitive value) and (sensitive value)");
  }

  /** Message, every link's toString and the printed stack trace (as {@code --verbose} prints it). */
  static String everything(Throwable failure) {
    StringBuilder all = new StringBuilder(String.valueOf(failure.getMessage())).append('\n');
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t).append('\n');
      for (Throwable s : t.getSuppressed()) {
        all.append(s).append('\n');
      }
    }
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return all.append(trace).toString();
  }
}
