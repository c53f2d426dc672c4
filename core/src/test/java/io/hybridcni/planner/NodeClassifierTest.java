package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NodeClassifierTest {

  private static final Pattern FORM = Pattern.compile(NodeClassifier.ECS_PROVIDER_ID_FORM);

  @Test
  void realEcsProviderIdsAreRecognisedAndOthersAreNot() {
    assertThat(NodeClassifier.ecsProviderId("cn-hangzhou.i-bp1example")).isTrue();
    assertThat(NodeClassifier.ecsProviderId("alicloud://cn-hangzhou.i-bp1example")).isTrue();
    assertThat(NodeClassifier.ecsProviderId("ap-southeast-1.i-t4n0abc")).isTrue();
    assertThat(NodeClassifier.ecsProviderId("cn-north-east-1.i-x")).isTrue();
    assertThat(NodeClassifier.ecsProviderId("cn-a-b-c-d.i-x")).isFalse();
    assertThat(NodeClassifier.ecsProviderId("aws:///us-east-1a/i-0abc")).isFalse();
    assertThat(NodeClassifier.ecsProviderId("cn-hangzhou.i-")).isFalse();
    assertThat(NodeClassifier.ecsProviderId("")).isFalse();
    assertThat(NodeClassifier.ecsProviderId(null)).isFalse();
  }

  /**
   * The hand-written check answers as the regular expression it replaces, on strings built from the characters that
   * matter (and a few that never appear): 200,000 seeded cases, about a tenth of them matching.
   */
  @Test
  void theHandWrittenCheckAgreesWithTheRegularExpression() {
    String[] pieces = {"a", "b", "z", "0", "9", "-", ".", "i", ".i-", "alicloud://", "cn", "cn-hangzhou", "A", ":",
        "/", "_", "ab-c", "-1", "x9"};
    Random random = new Random(12);
    int matching = 0;
    for (int n = 0; n < 200_000; n++) {
      StringBuilder b = new StringBuilder();
      if (random.nextInt(4) == 0) {
        b.append("alicloud://");
      }
      if (random.nextInt(3) > 0) {
        b.append("cn-hangzhou").append(random.nextBoolean() ? ".i-" : "");
      }
      for (int k = random.nextInt(7); k > 0; k--) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String id = b.toString();
      boolean expected = FORM.matcher(id).matches();
      matching += expected ? 1 : 0;
      assertThat(NodeClassifier.ecsProviderId(id)).as(id).isEqualTo(expected);
    }
    assertThat(matching).isGreaterThan(5_000);
  }
}
