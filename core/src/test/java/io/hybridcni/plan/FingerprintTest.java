package io.hybridcni.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  /** The hash as it was first defined: SHA-256 over key, 0, value as {@code getBytes(UTF_8)}, 0, in key order. */
  private static String reference(Map<String, String> facts) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (Map.Entry<String, String> e : new TreeMap<>(facts).entrySet()) {
      digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(e.getValue().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }

  @Test
  void aLongFactIsHashedAsItsUtf8BytesWhateverCharactersItHolds() throws Exception {
    // Long enough to take the buffered path, with every UTF-8 length, surrogate pairs, lone surrogates of both
    // kinds (which getBytes writes as '?') and a pair cut by the end of the text.
    char[] alphabet = {'a', ',', '[', 'é', 'ß', '中', '€', '\uD83D', '\uDE00', '\uDBFF', '\uDFFF', '\u0000', '\u07FF',
        '\u0800', '\uFFFF'};
    Random random = new Random(7);
    for (int n = 0; n < 200; n++) {
      StringBuilder b = new StringBuilder();
      int length = 1025 + random.nextInt(20_000);
      for (int i = 0; i < length; i++) {
        b.append(alphabet[random.nextInt(alphabet.length)]);
      }
      if (n % 2 == 0) {
        b.append('\uD83D');
      }
      Map<String, String> facts = Map.of("nodes.running/calico", b.toString(), "addon/terway-eniip", "absent");
      assertThat(Fingerprint.of(facts).hash()).isEqualTo(reference(facts));
    }
  }

  @Test
  void aShortFactIsHashedAsBefore() throws Exception {
    Map<String, String> facts = Map.of("ram.user/u", "present", "nodes.labelled/a=b", "[n1,n2]");
    assertThat(Fingerprint.of(facts).hash()).isEqualTo(reference(facts));
  }
}
