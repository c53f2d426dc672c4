package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hybridcni.error.RedactedCause;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.testkit.SecretForms;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Errors of Alibaba Cloud calls, through the real SDK against the fake: an error message that echoes the caller's
 * AccessKey secret or a secret this process created, in any form, leaves no trace in the {@link AliyunCallException},
 * its cause chain (the SDK's {@code TeaException}, masked) or its stack trace. RAM is not known to echo secrets; the
 * fake is made to, so that nothing depends on the service's discretion.
 */
class AliyunErrorRedactionTest {

  private final CloudTestBed bed = new CloudTestBed(io.hybridcni.testkit.aliyun.FakeAliyunOptions.defaults(),
      SampleClusters.freshHostNetwork().kubernetes());

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void anErrorEchoingTheCallersSecretInAnyFormIsMasked() {
    for (Map.Entry<String, String> echo : SecretForms.echoes(CloudTestBed.CALLER_SECRET).entrySet()) {
      bed.fake.faults().on("GetUser").failWith("InvalidParameter", 400,
          "The request echoed AccessKeySecret=" + echo.getValue() + " back.");

      Throwable failure = catchThrowable(() -> bed.ram.getUser("ack-one-user-echo"));

      assertThat(failure).as(echo.getKey()).isInstanceOf(AliyunCallException.class)
          .hasMessageContaining("InvalidParameter").hasMessageContaining("AccessKeySecret=(sensitive value) back");
      String all = everything(failure);
      assertThat(SecretForms.hits(all, CloudTestBed.CALLER_SECRET)).as(echo.getKey() + "\n" + all).isEmpty();
      assertThat(failure.getCause()).as(echo.getKey()).isInstanceOf(RedactedCause.class);
    }
  }

  @Test
  void anErrorEchoingAnAccessKeySecretThisProcessCreatedIsMasked() {
    bed.ram.createUser("ack-one-user-echo", "echo test");
    AccessKeyCredential created = bed.ram.createAccessKey("ack-one-user-echo");
    String secret = created.accessKeySecret().reveal();
    bed.fake.faults().on("DeleteAccessKey").failWith("InvalidParameter", 400,
        "cannot delete " + created.accessKeyId() + " (" + SecretForms.goBytes(secret) + ", "
            + SecretForms.urlEncodedBase64(secret) + ")");

    Throwable failure = catchThrowable(() -> bed.ram.deleteAccessKey("ack-one-user-echo", created.accessKeyId()));

    assertThat(failure).isInstanceOf(AliyunCallException.class).hasMessageContaining(created.accessKeyId());
    String all = everything(failure);
    assertThat(SecretForms.hits(all, secret)).as(all).isEmpty();
    assertThat(all).contains("((sensitive value), (sensitive value))");
  }

  static String everything(Throwable failure) {
    StringBuilder all = new StringBuilder(String.valueOf(failure.getMessage())).append('\n');
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return all.append(trace).toString();
  }
}
