package io.hybridcni.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SensitiveTest {

  /** 29 characters, near an AccessKey secret; its base64 has "+", "/" and "=", so that every URL form differs. */
  private static final String SECRET = "n3?Y>NBDRzrZSgqbjG3uhkW>KFLf6";
  private static final Sensitive SENSITIVE = Sensitive.of(SECRET);

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String goBytes(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    return IntStream.range(0, bytes.length).mapToObj(i -> Integer.toString(bytes[i] & 0xff))
        .collect(Collectors.joining(" ", "[", "]"));
  }

  @Test
  void theValueItselfIsMasked() {
    assertThat(SENSITIVE.mask("denied: " + SECRET + ".")).isEqualTo("denied: (sensitive value).");
  }

  @Test
  void standardAndUrlSafeBase64WithAndWithoutPaddingAreMasked() {
    String std = b64(SECRET);
    assertThat(std).contains("+").endsWith("=");
    String url = Base64.getUrlEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
    for (String form : new String[] {std, std.replace("=", ""), url, url.replace("=", "")}) {
      assertThat(SENSITIVE.mask("data=" + form + " end")).as(form).isEqualTo("data=(sensitive value) end");
    }
  }

  @Test
  void percentEncodedBase64IsMaskedInEitherCaseOfHex() {
    String encoded = URLEncoder.encode(b64(SECRET), StandardCharsets.UTF_8);
    assertThat(encoded).contains("%2B").contains("%3D");
    assertThat(SENSITIVE.mask("?v=" + encoded + "&x=1")).isEqualTo("?v=(sensitive value)&x=1");
    assertThat(SENSITIVE.mask("?v=" + encoded.replace("%2B", "%2b").replace("%3D", "%3d")))
        .isEqualTo("?v=(sensitive value)");
    assertThat(SENSITIVE.mask("q=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8)))
        .isEqualTo("q=(sensitive value)");
  }

  @Test
  void aGoByteSliceOfTheValueIsMasked() {
    String text = "admission webhook denied: data map[access-key-secret:" + goBytes(SECRET) + "]";
    assertThat(SENSITIVE.mask(text)).isEqualTo("admission webhook denied: data map[access-key-secret:"
        + "(sensitive value)]");
  }

  @Test
  void aTruncatedOrCommaSeparatedByteListOfTheValueIsMasked() {
    String bytes = goBytes(SECRET);
    String truncated = bytes.substring(0, bytes.indexOf(' ', 40));
    assertThat(SENSITIVE.mask("got " + truncated + "...")).isEqualTo("got (sensitive value)...");
    assertThat(SENSITIVE.mask("got " + bytes.replace(" ", ","))).isEqualTo("got (sensitive value)");
    assertThat(SENSITIVE.mask("got " + goBytes(b64(SECRET)))).isEqualTo("got (sensitive value)");
  }

  @Test
  void aByteListOfSomethingElseIsLeftAlone() {
    String text = "ports [80 443 8080 8443 9090 9443 10250 10255]";
    assertThat(SENSITIVE.mask(text)).isEqualTo(text);
  }

  @Test
  void everyPrefixSuffixAndWindowOfEightOrMoreCharactersIsMasked() {
    for (int length = Sensitive.WINDOW; length <= SECRET.length(); length++) {
      for (int from = 0; from + length <= SECRET.length(); from++) {
        String piece = SECRET.substring(from, from + length);
        assertThat(SENSITIVE.mask("|" + piece + "|")).as(piece).isEqualTo("|(sensitive value)|");
      }
    }
  }

  @Test
  void sevenCharactersOfTheValueAreNotASecret() {
    String seven = SECRET.substring(0, Sensitive.WINDOW - 1);
    assertThat(SENSITIVE.mask("|" + seven + "|")).isEqualTo("|" + seven + "|");
  }

  @Test
  void aWindowOfTheBase64FormIsMasked() {
    String prefix = b64(SECRET).substring(0, 12);
    assertThat(SENSITIVE.mask("data: " + prefix + "...")).isEqualTo("data: (sensitive value)...");
  }

  @Test
  void hexOfTheValueIsMasked() {
    String hex = java.util.HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8));
    assertThat(SENSITIVE.mask("0x" + hex)).isEqualTo("0x(sensitive value)");
  }

  @Test
  void aShortValueIsMaskedOnlyWhole() {
    Sensitive shortOne = Sensitive.of("abc12");
    assertThat(shortOne.mask("x abc12 y " + b64("abc12"))).isEqualTo("x (sensitive value) y (sensitive value)");
  }

  @Test
  void bearerAndBasicCredentialsAreMaskedWithoutBeingKnown() {
    assertThat(Sensitive.NONE.mask("> Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig"))
        .isEqualTo("> Authorization: Bearer (sensitive value)");
    assertThat(Sensitive.NONE.mask("Basic dXNlcjpwYXNzd29yZA==")).isEqualTo("Basic (sensitive value)");
  }

  @Test
  void textWithoutSecretsIsUnchanged() {
    String text = "update on secrets kube-system/alibaba-addon-secret failed: 409 Conflict";
    assertThat(SENSITIVE.mask(text)).isSameAs(text);
  }

  @Test
  void combinedInstancesMaskBothValues() {
    Sensitive both = SENSITIVE.and("AnotherSecretValue42");
    assertThat(both.mask(SECRET + " " + "AnotherSecretValue42")).isEqualTo("(sensitive value) (sensitive value)");
  }

  @Test
  void aChainWithoutSecretsIsKeptAsItIs() {
    RuntimeException e = new RuntimeException("outer", new IllegalStateException("inner"));
    assertThat(SENSITIVE.scrub(e)).isSameAs(e);
  }

  @Test
  void scrubbedChainKeepsClassNamesAndStackTracesButNoSecretInAnyMessageCauseOrSuppressed() {
    IllegalStateException root = new IllegalStateException("server said " + b64(SECRET));
    RuntimeException middle = new RuntimeException("wrapped", root);
    middle.addSuppressed(new IllegalArgumentException("also " + SECRET.substring(3, 15)));
    RuntimeException top = new RuntimeException("top", middle);

    Throwable scrubbed = SENSITIVE.scrub(top);

    StringWriter trace = new StringWriter();
    scrubbed.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain(b64(SECRET)).doesNotContain(SECRET.substring(3, 15))
        .contains("java.lang.IllegalStateException: server said (sensitive value)")
        .contains("java.lang.IllegalArgumentException: also (sensitive value)")
        .contains("java.lang.RuntimeException: top")
        .contains("SensitiveTest.scrubbedChainKeepsClassNames");
    for (Throwable t = scrubbed; t != null; t = t.getCause()) {
      assertThat(t).isInstanceOf(RedactedCause.class);
    }
  }

  @Test
  void namesDecideSensitivityOfHeadersResourcesAndKeys() {
    assertThat(Sensitive.isSensitiveHeader("Authorization")).isTrue();
    assertThat(Sensitive.isSensitiveHeader("authorization")).isTrue();
    assertThat(Sensitive.isSensitiveHeader("Content-Type")).isFalse();
    assertThat(Sensitive.isSensitiveResource("secrets")).isTrue();
    assertThat(Sensitive.isSensitiveResource("Secret")).isTrue();
    assertThat(Sensitive.isSensitiveResource("configmaps")).isFalse();
    assertThat(Sensitive.isSensitiveKey("access-key-secret")).isTrue();
    assertThat(Sensitive.isSensitiveKey("access-key-id")).isFalse();
  }
}
