package io.hybridcni.cli;

import io.hybridcni.text.Printable;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The converters of option values that need more than a type: picocli names the option in front of each message
 * ({@code Invalid value for option '--wait-for-lock' (DURATION): ...}), so each says only what was expected.
 */
final class OptionValues {

  private OptionValues() {}

  /** An ISO-8601 duration of zero or more, e.g. {@code PT15M}; a negative wait or timeout means nothing. */
  static final class NonNegativeDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration duration;
      try {
        duration = Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("expected an ISO-8601 duration such as PT30S or PT15M, found '"
            + Printable.escape(value) + "'");
      }
      if (duration.isNegative()) {
        throw new TypeConversionException("expected a duration of zero or more such as PT30S, found the negative '"
            + Printable.escape(value) + "'");
      }
      return duration;
    }
  }

  /** An ISO-8601 duration of more than zero, e.g. {@code PT1S}: an interval of zero would spin. */
  static final class PositiveDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration duration = new NonNegativeDuration().convert(value);
      if (duration.isZero()) {
        throw new TypeConversionException("expected a duration of more than zero such as PT1S, found '"
            + Printable.escape(value) + "'");
      }
      return duration;
    }
  }

  /** A TCP port to listen on: 1 to 65535. */
  static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int port;
      try {
        port = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expected a port number from 1 to 65535, found '" + Printable.escape(value)
            + "'");
      }
      if (port < 1 || port > 65535) {
        throw new TypeConversionException("expected a port number from 1 to 65535, found " + port);
      }
      return port;
    }
  }

  /** A Kubernetes object name (a Lease's): a DNS subdomain of at most 253 characters. */
  static final class ObjectName implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String problem = io.hybridcni.spec.SpecRules.objectNameProblem(value);
      if (problem != null) {
        throw new TypeConversionException("expected " + problem);
      }
      return value;
    }
  }

  /** {@code [NAMESPACE/]NAME} of a namespaced object, each part checked as the API server checks it. */
  static final class ResourceName implements ITypeConverter<ResourceName.Value> {

    /** The parts; {@code namespace} is {@code null} when not given. */
    record Value(String namespace, String name) {}

    @Override
    public Value convert(String value) {
      int slash = value.indexOf('/');
      String namespace = slash < 0 ? null : value.substring(0, slash);
      String name = slash < 0 ? value : value.substring(slash + 1);
      if (namespace != null) {
        String problem = io.hybridcni.spec.SpecRules.namespaceProblem(namespace);
        if (problem != null) {
          throw new TypeConversionException("expected [NAMESPACE/]NAME with NAMESPACE " + problem);
        }
      }
      String problem = io.hybridcni.spec.SpecRules.objectNameProblem(name);
      if (problem != null) {
        throw new TypeConversionException("expected [NAMESPACE/]NAME with NAME " + problem);
      }
      return new Value(namespace, name);
    }
  }

  /** A Kubernetes namespace. */
  static final class Namespace implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String problem = io.hybridcni.spec.SpecRules.namespaceProblem(value);
      if (problem != null) {
        throw new TypeConversionException("expected " + problem);
      }
      return value;
    }
  }

  /**
   * An endpoint as the Aliyun SDK takes it: {@code host[:port]}, no scheme and no path. The SDK puts the protocol in
   * front itself, so {@code https://ram.aliyuncs.com} would become {@code https://https://ram.aliyuncs.com}.
   */
  static final class Endpoint implements ITypeConverter<String> {
    private static final Pattern HOST_PORT = Pattern.compile(
        "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}"
            + "[A-Za-z0-9])?)*)(?<port>:[0-9]{1,5})?");

    @Override
    public String convert(String value) {
      String expected = "expected host[:port] such as ram.vpc-proxy.aliyuncs.com or 127.0.0.1:8080";
      if (value.contains("://")) {
        throw new TypeConversionException(expected + ", without a scheme (set --aliyun-protocol instead), found '"
            + Printable.escape(value) + "'");
      }
      var m = HOST_PORT.matcher(value);
      if (!m.matches() || value.length() > 253 + 6) {
        throw new TypeConversionException(expected + ", found '" + Printable.escape(value) + "'");
      }
      if (m.group("port") != null && Integer.parseInt(m.group("port").substring(1)) > 65535) {
        throw new TypeConversionException(expected + " with a port of at most 65535, found '" + value + "'");
      }
      return value;
    }
  }
}
