package io.hybridcni.testkit.aliyun;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code ACS3-HMAC-SHA256} signature (Alibaba Cloud's V3 request signature), computed from the request as
 * the server received it.
 *
 * <pre>
 * CanonicalRequest = Method \n Path \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexSha256(body)
 *   CanonicalQuery   = key=value pairs sorted by key, both percent-encoded (RFC 3986: space %20,
 *                      * %2A, ~ kept; an empty value leaves "key="), joined by &amp;
 *   CanonicalHeaders = for each signed header, sorted: lower-case name ":" trimmed value \n
 *   SignedHeaders    = the lower-case names joined by ; (as the Authorization header lists them)
 * StringToSign       = "ACS3-HMAC-SHA256" \n HexSha256(CanonicalRequest)
 * Signature          = Hex(HmacSha256(AccessKeySecret, StringToSign))
 * Authorization      = ACS3-HMAC-SHA256 Credential=AccessKeyId,SignedHeaders=...,Signature=...
 * </pre>
 */
final class Acs3Signature {

  static final String ALGORITHM = "ACS3-HMAC-SHA256";

  private static final HexFormat HEX = HexFormat.of();

  private Acs3Signature() {}

  /** The parts of an {@code Authorization} header. */
  record Authorization(String accessKeyId, List<String> signedHeaders, String signedHeadersText, String signature) {

    /** Parses the header, or throws {@code IncompleteSignature}. */
    static Authorization parse(String header) {
      if (header == null || header.isBlank()) {
        throw incomplete("the Authorization header is missing");
      }
      String trimmed = header.trim();
      int space = trimmed.indexOf(' ');
      String algorithm = space < 0 ? trimmed : trimmed.substring(0, space);
      if (!ALGORITHM.equals(algorithm)) {
        throw incomplete("the signature algorithm must be " + ALGORITHM + ", was " + algorithm);
      }
      String credential = null;
      String signedHeaders = null;
      String signature = null;
      for (String part : trimmed.substring(space + 1).split(",")) {
        int eq = part.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String name = part.substring(0, eq).trim();
        String value = part.substring(eq + 1).trim();
        switch (name) {
          case "Credential" -> credential = value;
          case "SignedHeaders" -> signedHeaders = value;
          case "Signature" -> signature = value;
          default -> { }
        }
      }
      if (credential == null || credential.isEmpty()) {
        throw incomplete("the Authorization header has no Credential");
      }
      if (signedHeaders == null || signedHeaders.isEmpty()) {
        throw incomplete("the Authorization header has no SignedHeaders");
      }
      if (signature == null || signature.isEmpty()) {
        throw incomplete("the Authorization header has no Signature");
      }
      List<String> names = new ArrayList<>();
      for (String name : signedHeaders.split(";")) {
        names.add(name.trim().toLowerCase(Locale.ROOT));
      }
      return new Authorization(credential, List.copyOf(names), signedHeaders, signature);
    }
  }

  static ApiError incomplete(String detail) {
    return ApiError.badRequest("IncompleteSignature",
        "The request signature does not conform to Aliyun standards: " + detail + ".");
  }

  static String canonicalRequest(IncomingRequest request, Authorization authorization, String hashedPayload) {
    StringBuilder headers = new StringBuilder();
    List<String> sorted = new ArrayList<>(authorization.signedHeaders());
    sorted.sort(null);
    for (String name : sorted) {
      String value = request.header(name);
      headers.append(name).append(':').append(value == null ? "" : value.trim()).append('\n');
    }
    return request.method() + "\n"
        + request.rawPath() + "\n"
        + canonicalQuery(request.query()) + "\n"
        + headers + "\n"
        + authorization.signedHeadersText() + "\n"
        + hashedPayload;
  }

  static String canonicalQuery(Map<String, String> query) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> entry : new TreeMap<>(query).entrySet()) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(percentEncode(entry.getKey())).append('=');
      if (!entry.getValue().isEmpty()) {
        out.append(percentEncode(entry.getValue()));
      }
    }
    return out.toString();
  }

  static String stringToSign(String canonicalRequest) {
    return ALGORITHM + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
  }

  static String sign(String stringToSign, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HEX.formatHex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static boolean sameSignature(String expected, String received) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        received.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  static String percentEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  static boolean hexEquals(String a, String b) {
    return a != null && b != null && Arrays.equals(
        a.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
        b.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }
}
