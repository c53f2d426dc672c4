package io.hybridcni.aliyun;

import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teaopenapi.models.OpenApiRequest;
import com.aliyun.teaopenapi.models.Params;
import com.aliyun.teautil.models.RuntimeOptions;
import io.hybridcni.error.Sensitive;
import io.hybridcni.observe.RamFacts.SecretKeyOwner;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.CredentialOwnerLookup;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds who owns an AccessKey with STS {@code GetCallerIdentity} (API version 2015-04-01, RPC style), signed with
 * that key itself. No STS SDK artifact is served here, so the call goes through the generic OpenAPI client
 * ({@code tea-openapi} 0.3.15 {@code Client#callApi}).
 *
 * <p>Alibaba's reference (https://help.aliyun.com/document_detail/43767.html, English:
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-getcalleridentity): no request
 * parameters; "No authorization for this operation", so any working key may call it; the answer holds
 * {@code IdentityType} ({@code Account}, {@code RAMUser}, {@code AssumedRoleUser}), {@code AccountId},
 * {@code UserId}, {@code PrincipalId}, {@code Arn} ({@code acs:ram::<account>:user/<name>} for a RAM user) and
 * {@code RequestId}. A key the gateway refuses answers one of the common error codes
 * (https://www.alibabacloud.com/help/doc-detail/69008.htm): {@code InvalidAccessKeyId.NotFound} (404),
 * {@code InvalidAccessKeyId.Inactive} (a disabled key) or {@code SignatureDoesNotMatch} (a secret that is not the
 * key's); those are answered as a {@linkplain SecretKeyOwner#refused refusal}, anything else is thrown.
 *
 * <p>The key's secret signs this one request and is kept nowhere: the client is built for the call and dropped,
 * and every error is masked with the secret.
 */
public final class StsCredentialOwnerLookup implements CredentialOwnerLookup {

  /** The codes with which Alibaba Cloud's gateway refuses a key. */
  public static final Set<String> REFUSALS = Set.of("InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive",
      "SignatureDoesNotMatch");

  private static final String VERSION = "2015-04-01";
  private static final String USER_ARN = ":user/";

  private final String endpoint;
  private final String regionId;
  private final String protocol;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Retrier retrier;

  /**
   * @param endpoint {@code host[:port]}: {@code sts.aliyuncs.com}, {@code sts.<region>.aliyuncs.com} or
   *     {@code sts-vpc.<region>.aliyuncs.com}
   */
  public StsCredentialOwnerLookup(String endpoint, String regionId, String protocol, Duration connectTimeout,
      Duration readTimeout, Retrier retrier) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.regionId = Objects.requireNonNull(regionId, "regionId");
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    this.retrier = Objects.requireNonNull(retrier, "retrier");
  }

  @Override
  public SecretKeyOwner ownerOf(AccessKeyCredential credential) {
    String keyId = credential.accessKeyId();
    Sensitive sensitive = Sensitive.of(credential.accessKeySecret().reveal());
    String resource = "sts/caller-identity/" + keyId;
    Map<String, ?> body;
    try {
      body = retrier.call("GetCallerIdentity", () -> {
        try {
          com.aliyun.teaopenapi.Client client = new com.aliyun.teaopenapi.Client(new Config()
              .setEndpoint(endpoint).setRegionId(regionId).setProtocol(protocol)
              .setConnectTimeout((int) connectTimeout.toMillis()).setReadTimeout((int) readTimeout.toMillis())
              .setAccessKeyId(keyId).setAccessKeySecret(credential.accessKeySecret().reveal()));
          Params params = new Params().setAction("GetCallerIdentity").setVersion(VERSION).setProtocol(protocol)
              .setPathname("/").setMethod("POST").setAuthType("AK").setStyle("RPC").setReqBodyType("formData")
              .setBodyType("json");
          return body(client.callApi(params, new OpenApiRequest(), new RuntimeOptions()));
        } catch (Exception e) {
          throw SdkErrors.translate("GetCallerIdentity", resource, e, sensitive);
        }
      });
    } catch (AliyunCallException e) {
      if (e.code() != null && REFUSALS.contains(e.code())) {
        return SecretKeyOwner.refused(keyId, e.code());
      }
      throw e;
    }
    String identityType = text(body, "IdentityType");
    String accountId = text(body, "AccountId");
    String arn = text(body, "Arn");
    String userName = null;
    if (SecretKeyOwner.RAM_USER.equalsIgnoreCase(identityType) && arn != null && arn.contains(USER_ARN)) {
      userName = arn.substring(arn.indexOf(USER_ARN) + USER_ARN.length());
    }
    return new SecretKeyOwner(keyId, identityType, userName, accountId, null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> body(Map<String, ?> response) {
    Object body = response == null ? null : response.get("body");
    return body instanceof Map<?, ?> m ? (Map<String, ?>) m : Map.of();
  }

  private static String text(Map<String, ?> body, String field) {
    Object value = body.get(field);
    return value == null ? null : String.valueOf(value);
  }
}
