package io.hybridcni.kube;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import io.hybridcni.error.Sensitive;
import java.net.URI;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

/**
 * fabric8's HTTP logging, made safe for a cluster that holds Secrets.
 *
 * <p>fabric8 (8.0.0, {@code StandardHttpClientBuilder}'s constructor) registers an {@link HttpLoggingInterceptor}
 * under the name {@value #INTERCEPTOR_NAME} on every HTTP client builder whenever the logger
 * {@code io.fabric8.kubernetes.client.http.HttpLoggingInterceptor} is at TRACE, and that interceptor writes every
 * request and response of the client: headers ({@code Authorization: Bearer <kubeconfig token>} included) and bodies
 * (every Secret hybridcni reads or writes, with its keys). Whatever level the user sets, hybridcni's clients replace
 * it, under the same name, with the same interceptor writing through a filter: header values that
 * {@link Sensitive#isSensitiveHeader} names are masked, and the bodies of requests to Secrets
 * ({@link Sensitive#isSensitiveResource}) are not written at all, in either direction (the answer to a refused
 * Secret write may echo it, in any form). Everything else is logged as fabric8 would, with credentials masked.
 *
 * <p>Replacing the interceptor on the client builder is not enough: fabric8 builds new HTTP clients from the
 * factory too (the OIDC token refresh builds one from {@code factory.newBuilder()}). So hybridcni builds its clients
 * with {@link #factory()}, whose every builder carries the filtered interceptor. Derived clients
 * ({@code newClient(RequestConfig)}, watches) copy their parent's interceptors and keep it.
 */
public final class SafeHttpLogging {

  /** The name fabric8 8.0.0 registers its {@link HttpLoggingInterceptor} under ({@code StandardHttpClientBuilder}). */
  static final String INTERCEPTOR_NAME = "HttpLogging";
  /** What a Secret's body is logged as. */
  static final String BODY_NOT_LOGGED = "(body of a request to Secrets: not logged)";

  private SafeHttpLogging() {}

  /** fabric8's own HTTP client factory (the one it would pick), whose builders log safely. */
  public static HttpClient.Factory factory() {
    return factory(HttpClientUtils.getHttpClientFactory(), LoggerFactory.getLogger(HttpLoggingInterceptor.class));
  }

  /**
   * {@code delegate} (e.g. one HTTP client factory that many clients share), whose builders log safely as
   * {@link #factory()}'s do.
   */
  public static HttpClient.Factory factory(HttpClient.Factory delegate) {
    return factory(delegate, LoggerFactory.getLogger(HttpLoggingInterceptor.class));
  }

  static HttpClient.Factory factory(HttpClient.Factory delegate, Logger logger) {
    return new SafeFactory(delegate, logger);
  }

  /** Puts the filtered interceptor in place of fabric8's on {@code builder} (none when not at TRACE). */
  static void apply(HttpClient.DerivedClientBuilder builder, Logger logger) {
    builder.addOrReplaceInterceptor(INTERCEPTOR_NAME,
        logger.isTraceEnabled() ? new HttpLoggingInterceptor(new FilteringLogger(logger)) : null);
  }

  /** Whether a request to {@code uri} reads or writes Secrets: any path segment {@code secrets}. */
  static boolean isSecretRequest(Object uri) {
    String path;
    try {
      path = uri instanceof URI u ? u.getRawPath() : URI.create(String.valueOf(uri)).getRawPath();
    } catch (IllegalArgumentException e) {
      path = String.valueOf(uri);
    }
    if (path == null) {
      return true;
    }
    for (String segment : path.split("/")) {
      if (Sensitive.isSensitiveResource(segment)) {
        return true;
      }
    }
    return false;
  }

  private static final class SafeFactory implements HttpClient.Factory {
    private final HttpClient.Factory delegate;
    private final Logger logger;

    SafeFactory(HttpClient.Factory delegate, Logger logger) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
      this.logger = logger;
    }

    // newBuilder(Config) is the interface's default: it calls this newBuilder() and hands this factory on to the
    // interceptors it adds (the token refresh among them), so that their own clients are safe too.
    @Override
    public HttpClient.Builder newBuilder() {
      HttpClient.Builder builder = delegate.newBuilder();
      apply(builder, logger);
      return builder;
    }

    @Override
    public int priority() {
      return delegate.priority();
    }
  }

  /**
   * The logger fabric8's interceptor writes through. fabric8 logs one exchange at a time on one thread (start,
   * request line, request headers, request body, response line, response headers, response body, end), so the
   * request line says whether the bodies that follow on this thread belong to a Secret.
   */
  static final class FilteringLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient Logger delegate;
    private final transient ThreadLocal<Boolean> secretExchange = ThreadLocal.withInitial(() -> Boolean.TRUE);

    FilteringLogger(Logger delegate) {
      this.delegate = delegate;
      this.name = delegate.getName();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
        Throwable throwable) {
      if (args != null && args.length == 2 && "> {} {}".equals(pattern)) {
        secretExchange.set(isSecretRequest(args[1]));
        forward(level, pattern, args, throwable);
      } else if (args != null && args.length == 2 && "< {} {}".equals(pattern)) {
        // The status line: a code and its reason phrase.
        forward(level, pattern, new Object[] {args[0], Sensitive.NONE.mask(String.valueOf(args[1]))}, throwable);
      } else if (args != null && args.length == 2 && ("> {}: {}".equals(pattern) || "< {}: {}".equals(pattern))) {
        Object value = Sensitive.isSensitiveHeader(String.valueOf(args[0])) ? Sensitive.MASK
            : Sensitive.NONE.mask(String.valueOf(args[1]));
        forward(level, pattern, new Object[] {args[0], value}, throwable);
      } else if (args == null || args.length == 0) {
        if ("-HTTP START-".equals(pattern) || "-WS START-".equals(pattern)) {
          // Until the request line says otherwise, a body is a Secret's.
          secretExchange.set(Boolean.TRUE);
          forward(level, pattern, null, throwable);
        } else if ("-HTTP END-".equals(pattern) || "-WS END-".equals(pattern)) {
          secretExchange.set(Boolean.TRUE);
          forward(level, pattern, null, throwable);
        } else {
          // A body (fabric8 logs it as the whole message).
          forward(level, secretExchange.get() ? BODY_NOT_LOGGED : Sensitive.NONE.mask(pattern), null, throwable);
        }
      } else {
        // A line this filter does not know: its arguments could be anything, so only its pattern is written.
        forward(level, Sensitive.NONE.mask(pattern), null, throwable);
      }
    }

    private void forward(Level level, String message, Object[] args, Throwable throwable) {
      String text = args == null ? message : org.slf4j.helpers.MessageFormatter.basicArrayFormat(message, args);
      switch (level) {
        case TRACE -> delegate.trace(text);
        case DEBUG -> delegate.debug(text);
        case INFO -> delegate.info(text);
        case WARN -> delegate.warn(text);
        default -> delegate.error(text);
      }
    }

    @Override
    public boolean isTraceEnabled() {
      return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return delegate.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
      return delegate.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
      return delegate.isErrorEnabled();
    }
  }
}
