package io.hybridcni.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyCoverageTest {

  private final PolicyDocument runbook = PolicyDocument.terwayEniip();

  private static String doc(String... statements) {
    return "{\"Version\":\"1\",\"Statement\":[" + String.join(",", statements) + "]}";
  }

  private static String allow(String actions) {
    return "{\"Effect\":\"Allow\",\"Action\":[" + actions + "],\"Resource\":\"*\"}";
  }

  @Test
  void theRunbookDocumentGrantsAllOfItself() {
    assertThat(runbook.grantsAllOf(runbook)).isTrue();
    assertThat(runbook.grantsAllOf(PolicyDocument.TERWAY_ENIIP_TEXT)).isTrue();
  }

  @Test
  void serviceWildcardsGrantEveryActionOfTheirService() {
    String wide = doc(allow("\"ecs:*\""), allow("\"vpc:Describe*\""));

    assertThat(runbook.grantedBy(wide)).isTrue();
    assertThat(PolicyDocument.parse(wide).grantsAllOf(runbook)).isTrue();
    assertThat(runbook.grantsAllOf(wide)).isFalse();
  }

  @Test
  void theStarActionGrantsEverything() {
    assertThat(runbook.grantedBy(doc(allow("\"*\"")))).isTrue();
  }

  @Test
  void actionNamesIgnoreCaseAsRamDoes() {
    String lower = PolicyDocument.TERWAY_ENIIP_TEXT.toLowerCase().replace("\"allow\"", "\"Allow\"")
        .replace("\"version\"", "\"Version\"").replace("\"statement\"", "\"Statement\"")
        .replace("\"action\"", "\"Action\"").replace("\"resource\"", "\"Resource\"")
        .replace("\"effect\"", "\"Effect\"");

    assertThat(runbook.grantedBy(lower)).isTrue();
  }

  @Test
  void aMissingActionIsNotASuperset() {
    String fewer = doc(allow("\"ecs:CreateNetworkInterface\""), allow("\"vpc:DescribeVSwitches\""));

    assertThat(runbook.grantedBy(fewer)).isFalse();
    assertThat(runbook.grantsAllOf(fewer)).isTrue();
  }

  @Test
  void actionsMayBeSpreadOverSeveralStatements() {
    String spread = doc(allow("\"ecs:Describe*\""), allow("\"ecs:*NetworkInterface*\", \"ecs:*PrivateIpAddresses\""),
        allow("\"vpc:DescribeVSwitches\""));

    assertThat(runbook.grantedBy(spread)).isTrue();
  }

  @Test
  void aWildcardIsCoveredOnlyByAWiderPrefix() {
    PolicyDocument describe = PolicyDocument.parse(doc(allow("\"ecs:Describe*\"")));

    assertThat(describe.grantedBy(doc(allow("\"ecs:*\"")))).isTrue();
    assertThat(describe.grantedBy(doc(allow("\"ecs:Describe*\"")))).isTrue();
    assertThat(describe.grantedBy(doc(allow("\"ecs:DescribeInstances\"")))).isFalse();
    assertThat(describe.grantedBy(doc(allow("\"ecs:DescribeI*\"")))).isFalse();
    assertThat(describe.grantedBy(doc(allow("\"vpc:*\"")))).isFalse();
  }

  @Test
  void aDenyInTheWiderDocumentBreaksTheProof() {
    String denying = doc(allow("\"ecs:*\", \"vpc:*\""),
        "{\"Effect\":\"Deny\",\"Action\":\"ecs:DeleteNetworkInterface\",\"Resource\":\"*\"}");

    assertThat(runbook.grantedBy(denying)).isFalse();
  }

  @Test
  void aDenyBothDocumentsHoldKeepsTheProof() {
    String deny = "{\"Effect\":\"Deny\",\"Action\":\"ecs:DeleteNetworkInterface\",\"Resource\":\"*\"}";
    PolicyDocument narrower = PolicyDocument.parse(doc(allow("\"ecs:DescribeInstances\""), deny));

    assertThat(narrower.grantedBy(doc(allow("\"ecs:*\""), deny))).isTrue();
  }

  @Test
  void aDenyInTheNarrowerDocumentOnlyNarrowsItFurther() {
    PolicyDocument narrower = PolicyDocument.parse(doc(allow("\"ecs:*\""),
        "{\"Effect\":\"Deny\",\"Action\":\"ecs:Delete*\",\"Resource\":\"*\"}"));

    assertThat(narrower.grantedBy(doc(allow("\"ecs:*\"")))).isTrue();
  }

  @Test
  void aConditionalAllowDoesNotCoverAnUnconditionalOne() {
    String conditional = doc("{\"Effect\":\"Allow\",\"Action\":[\"ecs:*\",\"vpc:*\"],\"Resource\":\"*\","
        + "\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}}}");

    assertThat(runbook.grantedBy(conditional)).isFalse();
  }

  @Test
  void anUnconditionalAllowCoversAConditionalOneAndTheSameConditionCoversItself() {
    String condition = "\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":[\"10.0.0.0/8\",\"192.168.0.0/16\"]}}";
    PolicyDocument conditional = PolicyDocument.parse(doc(
        "{\"Effect\":\"Allow\",\"Action\":\"ecs:DescribeInstances\",\"Resource\":\"*\"," + condition + "}"));
    String reordered = "\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":[\"192.168.0.0/16\",\"10.0.0.0/8\"]}}";

    assertThat(conditional.grantedBy(doc(allow("\"ecs:*\"")))).isTrue();
    assertThat(conditional.grantedBy(doc(
        "{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\"," + reordered + "}"))).isTrue();
    assertThat(conditional.grantedBy(doc("{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\","
        + "\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}}}"))).isFalse();
  }

  @Test
  void aNarrowerResourceDoesNotCoverTheStarResource() {
    String scoped = doc("{\"Effect\":\"Allow\",\"Action\":[\"ecs:*\",\"vpc:*\"],"
        + "\"Resource\":\"acs:ecs:*:*:instance/i-1\"}");

    assertThat(runbook.grantedBy(scoped)).isFalse();
    assertThat(PolicyDocument.parse(scoped).grantedBy(doc(allow("\"ecs:*\", \"vpc:*\"")))).isTrue();
  }

  @Test
  void notActionIsCoveredOnlyByEverythingOrByEverythingButFewer() {
    PolicyDocument allButRam = PolicyDocument.parse(doc(
        "{\"Effect\":\"Allow\",\"NotAction\":[\"ram:*\",\"sts:*\"],\"Resource\":\"*\"}"));

    assertThat(allButRam.grantedBy(doc(allow("\"*\"")))).isTrue();
    assertThat(allButRam.grantedBy(doc("{\"Effect\":\"Allow\",\"NotAction\":\"ram:*\",\"Resource\":\"*\"}")))
        .isTrue();
    assertThat(allButRam.grantedBy(doc(allow("\"ecs:*\"")))).isFalse();
    assertThat(runbook.grantedBy(allButRam.text())).isTrue();
    assertThat(runbook.grantedBy(doc("{\"Effect\":\"Allow\",\"NotAction\":\"ecs:Delete*\",\"Resource\":\"*\"}")))
        .isFalse();
  }

  @Test
  void anInvalidOrMissingDocumentProvesNothing() {
    assertThat(runbook.grantedBy("not json")).isFalse();
    assertThat(runbook.grantedBy((String) null)).isFalse();
    assertThat(runbook.grantsAllOf((PolicyDocument) null)).isFalse();
  }

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource({
      "*, ecs:Describe*, true",
      "ecs:*, ecs:Describe*, true",
      "ecs:Describe*, ecs:Describe*, true",
      "ecs:Desc*, ecs:Describe?nstances, true",
      "ecs:Describe*, ecs:*, false",
      "ecs:Describe?nstances, ecs:DescribeInstances, true",
      "ecs:Describe?nstances, ecs:Describe*, false",
      "ecs:*Instances, ecs:Describe*, false",
      "ecs:*, vpc:DescribeVSwitches, false"})
  void patternCoverage(String outer, String inner, boolean covers) {
    assertThat(PolicyCoverage.patternCovers(outer, inner, true)).isEqualTo(covers);
  }
}
