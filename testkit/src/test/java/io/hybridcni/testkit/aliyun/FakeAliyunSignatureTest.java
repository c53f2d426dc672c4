package io.hybridcni.testkit.aliyun;

import static io.hybridcni.testkit.aliyun.Sdk.teaError;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ram20150501.Client;
import com.aliyun.ram20150501.models.CreateAccessKeyRequest;
import com.aliyun.ram20150501.models.CreateUserRequest;
import com.aliyun.ram20150501.models.GetUserRequest;
import com.aliyun.ram20150501.models.ListAccessKeysRequest;
import com.aliyun.ram20150501.models.UpdateAccessKeyRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.tea.TeaRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeAliyunSignatureTest {

  static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  FakeAliyun fake;

  @BeforeEach
  void start() {
    fake = FakeAliyun.start().addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void aWrongSecretFailsWithSignatureDoesNotMatch400AndChangesNothing() throws Exception {
    Client forged = new Client(Sdk.config(fake, Sdk.CALLER_ID, "not-the-secret"));

    TeaException error = teaError(() -> forged.createUser(new CreateUserRequest().setUserName("mallory")));

    assertThat(error.getCode()).isEqualTo("SignatureDoesNotMatch");
    assertThat(error.getStatusCode()).isEqualTo(400);
    assertThat(error.getMessage()).contains("server string to sign is:ACS3-HMAC-SHA256");
    assertThat(fake.users()).isEmpty();
    assertThat(fake.journal()).singleElement().satisfies(entry -> {
      assertThat(entry.operation()).isEqualTo("CreateUser");
      assertThat(entry.accessKeyId()).isEqualTo(Sdk.CALLER_ID);
      assertThat(entry.status()).isEqualTo(400);
      assertThat(entry.errorCode()).isEqualTo("SignatureDoesNotMatch");
      assertThat(entry.requestId()).isEqualTo(error.getData().get("RequestId"));
    });
  }

  @Test
  void anUnknownKeyFailsWithInvalidAccessKeyIdNotFound404() throws Exception {
    Client stranger = new Client(Sdk.config(fake, "LTAI5tUnknownKey", "whatever"));

    TeaException error = teaError(() -> stranger.getUser(new GetUserRequest().setUserName("u1")));

    assertThat(error.getCode()).isEqualTo("InvalidAccessKeyId.NotFound");
    assertThat(error.getStatusCode()).isEqualTo(404);
    assertThat(error.getData()).containsEntry("HostId", "ram.aliyuncs.com");
  }

  @Test
  void anInactiveUserKeyFailsWithInvalidAccessKeyIdInactive() throws Exception {
    fake.seedUser("u1");
    Client ram = Sdk.ram(fake);
    var key = ram.createAccessKey(new CreateAccessKeyRequest().setUserName("u1")).getBody().getAccessKey();
    ram.updateAccessKey(new UpdateAccessKeyRequest().setUserName("u1").setUserAccessKeyId(key.getAccessKeyId())
        .setStatus("Inactive"));

    Client asUser = new Client(Sdk.config(fake, key.getAccessKeyId(), key.getAccessKeySecret()));
    TeaException error = teaError(() -> asUser.listAccessKeys(new ListAccessKeysRequest()));

    assertThat(error.getCode()).isEqualTo("InvalidAccessKeyId.Inactive");
    assertThat(fake.accessKeys("u1")).singleElement().extracting(RamAccessKey::status).isEqualTo("Inactive");
  }

  @Test
  void parameterValuesThatNeedPercentEncodingStillVerify() throws Exception {
    Client ram = Sdk.ram(fake);

    ram.createUser(new CreateUserRequest().setUserName("terway.bot-ack-one_1").setDisplayName("a b+c*d~e/f=g&h%i 中"));

    assertThat(fake.user("terway.bot-ack-one_1").orElseThrow().displayName()).isEqualTo("a b+c*d~e/f=g&h%i 中");
  }

  @Test
  void aReplayedNonceFailsWithSignatureNonceUsed400() throws Exception {
    fake.seedUser("u1");
    HttpRequest request = signedGetUser("u1", "nonce-0001", Sdk.CALLER_SECRET);
    HttpClient http = http();

    HttpResponse<String> first = http.send(request, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> replay = http.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("\"UserName\":\"u1\"");
    assertThat(first.headers().firstValue("x-acs-request-id")).isPresent();
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(replay.body()).contains("\"Code\":\"SignatureNonceUsed\"");
  }

  @Test
  void replayedNoncesPassWhenTheOptionIsOff() throws Exception {
    try (FakeAliyun lenient = FakeAliyun.start(FakeAliyunOptions.defaults().withRejectReplayedNonces(false))) {
      lenient.addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET).seedUser("u1");
      HttpRequest request = signedGetUser(lenient, "u1", "nonce-0001", Sdk.CALLER_SECRET);
      HttpClient http = http();

      http.send(request, HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> replay = http.send(request, HttpResponse.BodyHandlers.ofString());

      assertThat(replay.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aRequestWithoutAuthorizationFailsWithIncompleteSignature400() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + fake.endpoint() + "/?UserName=u1"))
        .header("x-acs-action", "GetUser")
        .header("x-acs-version", "2015-05-01")
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();

    HttpResponse<String> response = http().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"Code\":\"IncompleteSignature\"").contains("Authorization");
    assertThat(fake.journal()).singleElement().satisfies(entry -> {
      assertThat(entry.operation()).isEqualTo("GetUser");
      assertThat(entry.accessKeyId()).isEmpty();
    });
  }

  @Test
  void aParameterChangedAfterSigningFailsWithSignatureDoesNotMatch() throws Exception {
    fake.seedUser("u1").seedUser("u2");
    HttpRequest signed = signedGetUser("u1", "nonce-0002", Sdk.CALLER_SECRET);
    HttpRequest tampered = HttpRequest.newBuilder(signed, (name, value) -> true)
        .uri(URI.create("http://" + fake.endpoint() + "/?UserName=u2"))
        .build();

    HttpResponse<String> response = http().send(tampered, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"Code\":\"SignatureDoesNotMatch\"");
  }

  @Test
  void anUnsupportedApiVersionFailsWithInvalidVersion400() throws Exception {
    var client = Sdk.openApi(fake);
    var params = new com.aliyun.teaopenapi.models.Params().setAction("GetUser").setVersion("2099-01-01")
        .setProtocol("HTTPS").setPathname("/").setMethod("POST").setAuthType("AK").setStyle("RPC")
        .setReqBodyType("formData").setBodyType("json");

    TeaException error = teaError(() -> client.callApi(params,
        new com.aliyun.teaopenapi.models.OpenApiRequest().setQuery(Map.of("UserName", "u1")),
        new com.aliyun.teautil.models.RuntimeOptions()));

    assertThat(error.getCode()).isEqualTo("InvalidVersion");
    assertThat(error.getStatusCode()).isEqualTo(400);
  }

  static HttpClient http() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /** A GetUser request signed by the SDK's own ACS3 signer, sent with the JDK client so it can be replayed. */
  HttpRequest signedGetUser(String userName, String nonce, String secret) throws Exception {
    return signedGetUser(fake, userName, nonce, secret);
  }

  static HttpRequest signedGetUser(FakeAliyun target, String userName, String nonce, String secret)
      throws Exception {
    TeaRequest tea = new TeaRequest();
    tea.method = "POST";
    tea.pathname = "/";
    tea.query = new HashMap<>(Map.of("UserName", userName));
    tea.headers = new HashMap<>(Map.of(
        "host", target.endpoint(),
        "x-acs-action", "GetUser",
        "x-acs-version", "2015-05-01",
        "x-acs-date", com.aliyun.openapiutil.Client.getTimestamp(),
        "x-acs-signature-nonce", nonce,
        "x-acs-content-sha256", EMPTY_SHA256));
    String authorization = com.aliyun.openapiutil.Client.getAuthorization(
        tea, "ACS3-HMAC-SHA256", EMPTY_SHA256, Sdk.CALLER_ID, secret);
    String query = tea.query.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + target.endpoint() + "/?" + query))
        .POST(HttpRequest.BodyPublishers.noBody())
        .header("Authorization", authorization);
    tea.headers.forEach((name, value) -> {
      if (!name.equals("host")) {
        builder.header(name, value);
      }
    });
    return builder.build();
  }
}
