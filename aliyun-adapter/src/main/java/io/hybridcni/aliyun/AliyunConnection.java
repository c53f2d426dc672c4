package io.hybridcni.aliyun;

import com.aliyun.teaopenapi.models.Config;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.Sensitive;
import io.hybridcni.port.SecretValue;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Alibaba Cloud: region, endpoints, protocol, timeouts and credentials. Builds the SDK clients
 * behind {@link RamApi} and {@link AckApi}.
 *
 * <pre>{@code
 * AliyunConnection connection = AliyunConnection.forRegion("cn-hangzhou").build();   // default credential chain
 * RamApi ram = connection.ram(Retrier.defaults());
 * }</pre>
 */
public final class AliyunConnection {

  private final String regionId;
  private final String ramEndpoint;
  private final String csEndpoint;
  private final String stsEndpoint;
  private final String protocol;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final String accessKeyId;
  private final SecretValue accessKeySecret;
  private final SecretValue securityToken;
  private final AliyunCallLimiter callLimiter;
  private com.aliyun.credentials.Client credentials;

  private AliyunConnection(Builder b) {
    this.regionId = b.regionId;
    this.ramEndpoint = b.ramEndpoint != null ? b.ramEndpoint : b.network.ramEndpoint();
    this.csEndpoint = b.csEndpoint != null ? b.csEndpoint : b.network.csEndpoint(b.regionId);
    this.stsEndpoint = b.stsEndpoint != null ? b.stsEndpoint : b.network.stsEndpoint(b.regionId);
    this.protocol = b.protocol;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.accessKeyId = b.accessKeyId;
    this.accessKeySecret = b.accessKeySecret;
    this.securityToken = b.securityToken;
    this.callLimiter = b.callLimiter;
  }

  public static Builder forRegion(String regionId) {
    return new Builder(regionId);
  }

  public String regionId() {
    return regionId;
  }

  /** The RAM endpoint the clients use. */
  public String ramEndpoint() {
    return ramEndpoint;
  }

  /** The CS endpoint the clients use. */
  public String csEndpoint() {
    return csEndpoint;
  }

  public RamApi ram(Retrier retrier) {
    try {
      return new SdkRamApi(new com.aliyun.ram20150501.Client(config(ramEndpoint)), retrier, sensitive(),
          callLimiter);
    } catch (HybridCniException e) {
      throw e;
    } catch (Exception e) {
      throw new HybridCniException("cannot create the RAM client for " + ramEndpoint + ": " + e.getMessage(), e);
    }
  }

  public AckApi ack(Retrier retrier) {
    try {
      Config config = config(csEndpoint);
      return new SdkAckApi(new com.aliyun.cs20151215.Client(config), new com.aliyun.teaopenapi.Client(config),
          retrier, sensitive(), callLimiter);
    } catch (HybridCniException e) {
      throw e;
    } catch (Exception e) {
      throw new HybridCniException("cannot create the ACK client for " + csEndpoint + ": " + e.getMessage(), e);
    }
  }

  /**
   * Looks up who owns an AccessKey found in a Secret, with STS {@code GetCallerIdentity} signed with that key
   * (not with this connection's credentials) at {@link Builder#stsEndpoint}.
   */
  public StsCredentialOwnerLookup credentialOwners(Retrier retrier) {
    return new StsCredentialOwnerLookup(stsEndpoint, regionId, protocol, connectTimeout, readTimeout, retrier);
  }

  /**
   * The caller's secret, masked in every error of the clients: the explicit one, or where the standard chain
   * finds it first (the system property and the environment variable the Alibaba Cloud credentials library reads;
   * a profile's or a role's secret is resolved inside the SDK and never reaches hybridcni's text).
   */
  private Sensitive sensitive() {
    if (accessKeySecret != null) {
      return Sensitive.of(accessKeySecret.reveal(), securityToken == null ? null : securityToken.reveal());
    }
    // AuthUtils reads the environment variables unless a caller set the library's values, so ask it as well.
    return Sensitive.of(System.getProperty("alibabacloud.accessKeySecret"),
        System.getProperty("alibabacloud.accessKeyIdSecret"), System.getProperty("alibabacloud.sessionToken"),
        System.getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), System.getenv("ALIBABA_CLOUD_SECURITY_TOKEN"),
        com.aliyun.credentials.utils.AuthUtils.getEnvironmentAccessKeySecret(),
        com.aliyun.credentials.utils.AuthUtils.getEnvironmentSecurityToken());
  }

  private Config config(String endpoint) {
    Config config = new Config()
        .setEndpoint(endpoint)
        .setRegionId(regionId)
        .setProtocol(protocol)
        .setConnectTimeout((int) connectTimeout.toMillis())
        .setReadTimeout((int) readTimeout.toMillis());
    config.setCredential(credentials());
    return config;
  }

  /**
   * Resolves the credentials now, before anything is observed, so that a run without any fails at once and says
   * where it looked, instead of failing at its first Alibaba Cloud call after the cluster was read. Explicit
   * {@link Builder#accessKey credentials} need no resolving. Off ECS, the chain's last link (the instance's RAM role)
   * costs up to about two seconds of connect timeouts to the metadata service.
   *
   * @throws HybridCniException naming every link of the default chain that was tried, when none gave credentials
   */
  public void requireCredentials() {
    if (accessKeyId != null) {
      return;
    }
    try {
      credentials().getCredential();
    } catch (RuntimeException e) {
      throw new HybridCniException(CredentialChain.nothingFound());
    }
  }

  private synchronized com.aliyun.credentials.Client credentials() {
    if (credentials != null) {
      return credentials;
    }
    try {
      if (accessKeyId != null) {
        com.aliyun.credentials.models.Config c = new com.aliyun.credentials.models.Config()
            .setType(securityToken == null ? "access_key" : "sts").setAccessKeyId(accessKeyId)
            .setAccessKeySecret(accessKeySecret.reveal());
        if (securityToken != null) {
          c.setSecurityToken(securityToken.reveal());
        }
        credentials = new com.aliyun.credentials.Client(c);
      } else {
        // The default chain, resolved once for every client of this connection (see CredentialChain).
        credentials = new com.aliyun.credentials.Client();
      }
      return credentials;
    } catch (Exception e) {
      throw new HybridCniException(CredentialChain.nothingFound());
    }
  }

  /** Builder; every setter documents its default. */
  public static final class Builder {
    private final String regionId;
    private String ramEndpoint;
    private String csEndpoint;
    private String stsEndpoint;
    private String protocol = "HTTPS";
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(30);
    private String accessKeyId;
    private SecretValue accessKeySecret;
    private SecretValue securityToken;
    private AliyunNetwork network = AliyunNetwork.PUBLIC;
    private AliyunCallLimiter callLimiter;

    private Builder(String regionId) {
      this.regionId = Objects.requireNonNull(regionId, "regionId");
    }

    /**
     * The network whose endpoints RAM and CS default to (an explicit {@link #ramEndpoint}, {@link #csEndpoint} or
     * {@link #endpoint} wins). Default {@link AliyunNetwork#PUBLIC}.
     */
    public Builder network(AliyunNetwork value) {
      this.network = Objects.requireNonNull(value, "network");
      return this;
    }

    /** RAM endpoint, {@code host[:port]}. Default: the {@link #network}'s ({@code ram.aliyuncs.com}). */
    public Builder ramEndpoint(String value) {
      this.ramEndpoint = value;
      return this;
    }

    /** CS endpoint, {@code host[:port]}. Default: the {@link #network}'s ({@code cs.<region>.aliyuncs.com}). */
    public Builder csEndpoint(String value) {
      this.csEndpoint = value;
      return this;
    }

    /**
     * STS endpoint, {@code host[:port]}, for looking up the owner of a key found in a Secret. Default
     * {@code sts.<region>.aliyuncs.com} ({@code sts.aliyuncs.com} is the central one, {@code sts-vpc.<region>.aliyuncs.com}
     * the VPC one).
     */
    public Builder stsEndpoint(String value) {
      this.stsEndpoint = value;
      return this;
    }

    /** Every endpoint (RAM, CS, STS) at once, e.g. a local fake. */
    public Builder endpoint(String value) {
      this.ramEndpoint = value;
      this.csEndpoint = value;
      this.stsEndpoint = value;
      return this;
    }

    /** {@code HTTPS} (default) or {@code HTTP}. */
    public Builder protocol(String value) {
      this.protocol = Objects.requireNonNull(value, "protocol");
      return this;
    }

    /** Default 5 s. */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
      return this;
    }

    /** Default 30 s. */
    public Builder readTimeout(Duration value) {
      this.readTimeout = Objects.requireNonNull(value, "readTimeout");
      return this;
    }

    /** Explicit credentials. Default: the standard credential chain. */
    public Builder accessKey(String id, SecretValue secret) {
      this.accessKeyId = Objects.requireNonNull(id, "id");
      this.accessKeySecret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * Explicit temporary credentials: an STS AccessKey and its security token, sent signed in
     * {@code x-acs-security-token}. Default: the standard credential chain, which reads a token from
     * {@code ALIBABA_CLOUD_SECURITY_TOKEN} (or {@code alibabacloud.sessionToken}) beside the key.
     */
    public Builder stsAccessKey(String id, SecretValue secret, SecretValue token) {
      accessKey(id, secret);
      this.securityToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * The call budget of the account these credentials belong to, shared with every other connection of that
     * account: every attempt of the {@link #ram RAM} and {@link #ack ACK} clients (each retry included) takes a
     * permit and a slot of it. Default none: calls are limited only by the {@link Retrier}'s backoff when the cloud
     * throttles. STS {@code GetCallerIdentity} lookups are signed with other keys and are not metered.
     */
    public Builder callLimiter(AliyunCallLimiter value) {
      this.callLimiter = Objects.requireNonNull(value, "callLimiter");
      return this;
    }

    public AliyunConnection build() {
      return new AliyunConnection(this);
    }
  }
}
