package io.hybridcni.error;

import io.hybridcni.port.SecretValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that decides what is sensitive, and masks it: every path that turns a server's answer, a log line,
 * an Event or an exception into text hybridcni shows uses it (the Java Operator SDK's {@code LoggingUtils} idea).
 *
 * <p>Two kinds of rule. By name: Secrets (the Kubernetes resource), credential-bearing HTTP headers
 * ({@code Authorization} and the like) and keys that name a secret, token or password are sensitive whatever
 * their value. By value: the secret values this instance knows are masked in every form a server or an admission
 * webhook echoes them in, because those echo what they received without knowing it is secret:
 * <ul>
 *   <li>the value itself, and any {@value #WINDOW} or more consecutive characters of it (a prefix, a suffix, any
 *       window: a server that truncates its message still leaks what it kept);</li>
 *   <li>base64, standard and URL-safe, with and without padding (how a Secret's {@code data} travels), and that
 *       base64 percent-encoded ({@code %2B %2F %3D}, as in a query or a form body), in either case of hex;</li>
 *   <li>the value percent-encoded, and its bytes in hex;</li>
 *   <li>a list of its bytes in decimal, as Go prints a {@code []byte} with {@code %v} ({@code [76 84 65 ...]}) or
 *       JSON an array ({@code [76,84,65]}): any run of eight or more numbers below 256 that decodes to a window of a
 *       known value in any of the forms above.</li>
 * </ul>
 * Whatever the values, {@code Bearer} and {@code Basic} credentials are masked too. A value shorter than
 * {@value #WINDOW} characters is masked only where it occurs whole, in each form, since its windows would match
 * ordinary text. Instances are immutable; {@link #and} combines them.
 */
public final class Sensitive {

  /** What every masked value becomes. */
  public static final String MASK = SecretValue.MASK;
  /** The shortest run of a secret's characters that counts as the secret. */
  public static final int WINDOW = 8;
  /** Knows no value: masks only credentials that name themselves ({@code Bearer ...}). */
  public static final Sensitive NONE = new Sensitive(List.of());

  private static final Pattern CREDENTIAL = Pattern.compile("(?i)\\b(Bearer|Basic)(\\s+)[A-Za-z0-9._~+/=-]{8,}");
  private static final Pattern BYTE_LIST = Pattern.compile("\\[?\\d{1,3}(?:(?:,\\s?|\\s)\\d{1,3}){7,}\\]?");
  private static final Pattern BYTE = Pattern.compile("\\d{1,3}");
  private static final Set<String> SENSITIVE_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
      "set-cookie", "x-acs-security-token", "x-acs-accesskey-id", "x-acs-signature-nonce");
  private static final Pattern SENSITIVE_KEY = Pattern.compile("(?i).*(secret|token|password|passwd|credential"
      + "|private-?key|signature).*");

  private final List<String> values;
  /** Every form of every value of at least WINDOW characters, cut into all its WINDOW-long windows. */
  private final Set<String> windows;
  /** Every form of every shorter value, longest first. */
  private final List<String> shortForms;

  private Sensitive(List<String> values) {
    this.values = values;
    Set<String> w = new java.util.HashSet<>();
    Set<String> s = new LinkedHashSet<>();
    for (String value : values) {
      for (String form : forms(value)) {
        if (value.length() >= WINDOW && form.length() >= WINDOW) {
          for (int i = 0; i + WINDOW <= form.length(); i++) {
            w.add(form.substring(i, i + WINDOW));
          }
        } else {
          s.add(form);
        }
      }
    }
    this.windows = Set.copyOf(w);
    List<String> sorted = new ArrayList<>(s);
    sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
    this.shortForms = List.copyOf(sorted);
  }

  /** Masks these values (blank and {@code null} ones are ignored). */
  public static Sensitive of(String... values) {
    return of(java.util.Arrays.asList(values));
  }

  /** Masks these values (blank and {@code null} ones are ignored). */
  public static Sensitive of(Collection<String> values) {
    Set<String> kept = new LinkedHashSet<>();
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        kept.add(v);
      }
    }
    return kept.isEmpty() ? NONE : new Sensitive(List.copyOf(kept));
  }

  /** Masks what this one and {@code other} mask. */
  public Sensitive and(Sensitive other) {
    if (other.values.isEmpty()) {
      return this;
    }
    List<String> all = new ArrayList<>(values);
    all.addAll(other.values);
    return of(all);
  }

  /** Masks what this one masks and these values. */
  public Sensitive and(String... more) {
    return and(of(more));
  }

  /** Whether this instance knows no value (it still masks {@code Bearer} credentials). */
  public boolean knowsNoValue() {
    return values.isEmpty();
  }

  /** Whether {@code text} holds a known value in any form, or a credential. */
  public boolean appearsIn(String text) {
    return text != null && !mask(text).equals(text);
  }

  /** {@code text} with every form of every known value, and every credential, replaced by {@link #MASK}. */
  public String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = CREDENTIAL.matcher(text).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
    if (values.isEmpty()) {
      return result;
    }
    result = maskByteLists(result);
    result = maskWindows(result);
    for (String form : shortForms) {
      result = result.replace(form, MASK);
    }
    return result;
  }

  /**
   * {@code error} itself when nothing in its chain (messages of it, its causes and suppressed exceptions) holds a
   * sensitive value; otherwise a copy of the chain whose messages are masked, each link a {@link RedactedCause}
   * that keeps the original class name and stack trace. The copy holds no reference to the original.
   */
  public Throwable scrub(Throwable error) {
    if (error == null || !leaks(error, new IdentityHashMap<>())) {
      return error;
    }
    return copy(error, new IdentityHashMap<>());
  }

  private boolean leaks(Throwable t, Map<Throwable, Boolean> seen) {
    if (seen.put(t, Boolean.TRUE) != null) {
      return false;
    }
    if (appearsIn(t.getMessage())) {
      return true;
    }
    if (t.getCause() != null && leaks(t.getCause(), seen)) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (leaks(s, seen)) {
        return true;
      }
    }
    return false;
  }

  private Throwable copy(Throwable t, Map<Throwable, Throwable> done) {
    Throwable already = done.get(t);
    if (already != null) {
      return already;
    }
    String className = t instanceof RedactedCause r ? r.originalClassName() : t.getClass().getName();
    RedactedCause copy = new RedactedCause(className, mask(t.getMessage()));
    done.put(t, copy);
    if (t.getCause() != null && t.getCause() != t) {
      copy.initCause(copy(t.getCause(), done));
    }
    copy.setStackTrace(t.getStackTrace());
    for (Throwable s : t.getSuppressed()) {
      copy.addSuppressed(copy(s, done));
    }
    return copy;
  }

  // ------------------------------------------------------------------------------------------- rules by name

  /** Whether an HTTP header carries a credential ({@code Authorization}, {@code Cookie}, ...): never logged. */
  public static boolean isSensitiveHeader(String name) {
    return name != null && SENSITIVE_HEADERS.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * Whether a Kubernetes resource holds secrets, by kind ({@code Secret}, {@code SecretList}) or by resource name
   * ({@code secrets}): its bodies are never logged, whatever they look like.
   */
  public static boolean isSensitiveResource(String kindOrResource) {
    return kindOrResource != null && (kindOrResource.equals("secrets") || kindOrResource.equals("Secret")
        || kindOrResource.equals("SecretList"));
  }

  /** Whether a key or field name says its value is a secret ({@code access-key-secret}, {@code token}, ...). */
  public static boolean isSensitiveKey(String key) {
    return key != null && SENSITIVE_KEY.matcher(key).matches();
  }

  // ------------------------------------------------------------------------------------------- forms

  private static List<String> forms(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    Set<String> forms = new LinkedHashSet<>();
    forms.add(value);
    String std = Base64.getEncoder().encodeToString(bytes);
    String url = Base64.getUrlEncoder().encodeToString(bytes);
    for (String b64 : List.of(std, url)) {
      forms.add(b64);
      forms.add(b64.replace("=", ""));
      String percent = b64.replace("%", "%25").replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
      forms.add(percent);
      forms.add(percent.replace("%2B", "%2b").replace("%2F", "%2f").replace("%3D", "%3d"));
    }
    forms.add(percentEncode(bytes));
    forms.add(HexFormat.of().formatHex(bytes));
    forms.add(HexFormat.of().withUpperCase().formatHex(bytes));
    return List.copyOf(forms);
  }

  private static String percentEncode(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
      }
    }
    return out.toString();
  }

  private String maskWindows(String text) {
    if (windows.isEmpty() || text.length() < WINDOW) {
      return text;
    }
    boolean[] covered = null;
    for (int i = 0; i + WINDOW <= text.length(); i++) {
      if (windows.contains(text.substring(i, i + WINDOW))) {
        if (covered == null) {
          covered = new boolean[text.length()];
        }
        java.util.Arrays.fill(covered, i, i + WINDOW, true);
      }
    }
    if (covered == null) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (!covered[i]) {
        out.append(text.charAt(i));
      } else if (i == 0 || !covered[i - 1]) {
        out.append(MASK);
      }
    }
    return out.toString();
  }

  private String maskByteLists(String text) {
    Matcher m = BYTE_LIST.matcher(text);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      String decoded = decodeBytes(m.group());
      if (decoded != null && (!maskWindows(decoded).equals(decoded) || shortForms.stream().anyMatch(
          decoded::contains))) {
        if (out == null) {
          out = new StringBuilder(text.length());
        }
        out.append(text, last, m.start()).append(MASK);
        last = m.end();
      }
    }
    if (out == null) {
      return text;
    }
    return out.append(text, last, text.length()).toString();
  }

  private static String decodeBytes(String list) {
    Matcher b = BYTE.matcher(list);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    while (b.find()) {
      int value = Integer.parseInt(b.group());
      if (value > 255) {
        return null;
      }
      bytes.write(value);
    }
    // ISO-8859-1 keeps one char per byte, so that a window of ASCII bytes is a window of the decoded text.
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return "Sensitive[" + values.size() + " values]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sensitive other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values);
  }
}
