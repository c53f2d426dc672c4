package io.hybridcni.aliyun;

import com.aliyun.credentials.utils.AuthUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * What the default credential chain of {@code credentials-java} 1.0.3 ({@code DefaultCredentialsProvider}) tries,
 * in its order, read from the same switches it reads, so that "no credentials" can say where it looked. From that
 * release's {@code createDefaultChain}: Java system properties, environment variables, OIDC (RRSA; only when all
 * three of its variables are set), the Alibaba Cloud CLI profile ({@code ~/.aliyun/config.json}, unless
 * {@code ALIBABA_CLOUD_CLI_PROFILE_DISABLED}), the credentials file ({@code ~/.alibabacloud/credentials.ini} or
 * {@code ALIBABA_CLOUD_CREDENTIALS_FILE}), the ECS instance RAM role from the metadata service (unless
 * {@code ALIBABA_CLOUD_ECS_METADATA_DISABLED}), and a credentials URI (only when {@code ALIBABA_CLOUD_CREDENTIALS_URI}
 * is set). If the library changes its chain, this description must follow.
 */
final class CredentialChain {

  private CredentialChain() {}

  /** One line: no credentials, each link tried or skipped and why, and how to give some. */
  static String nothingFound() {
    String home = System.getProperty("user.home");
    List<String> links = new ArrayList<>();
    links.add("Java system properties alibabacloud.accessKeyId and alibabacloud.accessKeySecret");
    links.add("environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    links.add(AuthUtils.environmentEnableOIDC()
        ? "OIDC (RRSA) from ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE"
        : "OIDC (RRSA) skipped: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and "
            + "ALIBABA_CLOUD_OIDC_TOKEN_FILE are not all set");
    links.add(AuthUtils.isDisableCLIProfile()
        ? "the Alibaba Cloud CLI profile skipped: ALIBABA_CLOUD_CLI_PROFILE_DISABLED"
        : "the Alibaba Cloud CLI profile " + home + "/.aliyun/config.json");
    String file = AuthUtils.getEnvironmentCredentialsFile();
    links.add("the credentials file " + (file == null || file.isEmpty() ? home + "/.alibabacloud/credentials.ini"
        : file + " (ALIBABA_CLOUD_CREDENTIALS_FILE)"));
    links.add(AuthUtils.isDisableECSMetaData()
        ? "the ECS instance RAM role skipped: ALIBABA_CLOUD_ECS_METADATA_DISABLED"
        : "the ECS instance RAM role (metadata service 100.100.100.200)");
    String uri = AuthUtils.getEnvironmentCredentialsURI();
    if (uri != null && !uri.isEmpty()) {
      links.add("the credentials URI in ALIBABA_CLOUD_CREDENTIALS_URI");
    }
    StringBuilder line = new StringBuilder("No Alibaba Cloud credentials found; the default credential chain tried, "
        + "in order: ");
    for (int i = 0; i < links.size(); i++) {
      line.append(i == 0 ? "" : "; ").append(i + 1).append(") ").append(links.get(i));
    }
    return line.append(". Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, configure a CLI "
        + "profile, or run where a RAM role applies; nothing was observed or changed").toString();
  }
}
