package io.hybridcni.testkit.aliyun;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teaopenapi.models.OpenApiRequest;
import com.aliyun.teaopenapi.models.Params;
import com.aliyun.teautil.models.RuntimeOptions;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Real Aliyun SDK V2 clients pointed at a fake, and the few generic calls the typed CS client lacks. */
final class Sdk {

  static final String CALLER_ID = "LTAI5tCallerKeyForTests";
  static final String CALLER_SECRET = "caller-secret-for-tests-0123456789";

  private Sdk() {}

  static Config config(FakeAliyun fake, String accessKeyId, String accessKeySecret) {
    return new Config()
        .setAccessKeyId(accessKeyId)
        .setAccessKeySecret(accessKeySecret)
        .setEndpoint(fake.endpoint())
        .setProtocol("HTTP")
        .setRegionId("cn-hangzhou");
  }

  static com.aliyun.ram20150501.Client ram(FakeAliyun fake) throws Exception {
    return new com.aliyun.ram20150501.Client(config(fake, CALLER_ID, CALLER_SECRET));
  }

  static com.aliyun.cs20151215.Client cs(FakeAliyun fake) throws Exception {
    return new com.aliyun.cs20151215.Client(config(fake, CALLER_ID, CALLER_SECRET));
  }

  static com.aliyun.teaopenapi.Client openApi(FakeAliyun fake) throws Exception {
    return new com.aliyun.teaopenapi.Client(config(fake, CALLER_ID, CALLER_SECRET));
  }

  /** A CS (ROA) call through the generic {@code callApi}, as the adapter makes for what cs20151215 lacks. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> roa(com.aliyun.teaopenapi.Client client, String action, String method, String path,
      Object body) throws Exception {
    Params params = new Params()
        .setAction(action)
        .setVersion("2015-12-15")
        .setProtocol("HTTPS")
        .setPathname(path)
        .setMethod(method)
        .setAuthType("AK")
        .setStyle("ROA")
        .setReqBodyType("json")
        .setBodyType("json");
    OpenApiRequest request = new OpenApiRequest();
    if (body != null) {
      request.setBody(body);
    }
    Map<String, ?> response = client.callApi(params, request, new RuntimeOptions());
    return (Map<String, Object>) response.get("body");
  }

  /** A RAM (RPC) call through the generic {@code callApi}. */
  static Map<String, ?> rpc(com.aliyun.teaopenapi.Client client, String action, Map<String, String> query)
      throws Exception {
    Params params = new Params()
        .setAction(action)
        .setVersion("2015-05-01")
        .setProtocol("HTTPS")
        .setPathname("/")
        .setMethod("POST")
        .setAuthType("AK")
        .setStyle("RPC")
        .setReqBodyType("formData")
        .setBodyType("json");
    return client.callApi(params, new OpenApiRequest().setQuery(query), new RuntimeOptions());
  }

  /** The TeaException a call throws. */
  static TeaException teaError(ThrowingCallable call) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(call).isInstanceOf(TeaException.class).satisfies(e -> caught[0] = e);
    return (TeaException) caught[0];
  }
}
