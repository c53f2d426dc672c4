package io.hybridcni.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PolicyDocumentTest {

  private static final String ECS_ACTIONS = "\"ecs:CreateNetworkInterface\", \"ecs:DescribeNetworkInterfaces\", "
      + "\"ecs:AttachNetworkInterface\", \"ecs:DetachNetworkInterface\", \"ecs:DeleteNetworkInterface\", "
      + "\"ecs:DescribeInstanceAttribute\", \"ecs:AssignPrivateIpAddresses\", \"ecs:UnassignPrivateIpAddresses\", "
      + "\"ecs:DescribeInstances\", \"ecs:ModifyNetworkInterfaceAttribute\"";

  private final PolicyDocument runbook = PolicyDocument.terwayEniip();

  @Test
  void statementOrderDoesNotMatter() {
    String swapped = "{\"Version\":\"1\",\"Statement\":["
        + "{\"Action\":[\"vpc:DescribeVSwitches\"],\"Resource\":[\"*\"],\"Effect\":\"Allow\"},"
        + "{\"Action\":[" + ECS_ACTIONS + "],\"Resource\":[\"*\"],\"Effect\":\"Allow\"}]}";

    assertThat(runbook.semanticallyEquals(swapped)).isTrue();
  }

  @Test
  void actionOrderAndWhitespaceDoNotMatter() {
    String reversed = "{ \"Statement\" : [ {\"Effect\": \"Allow\", \"Resource\": [\"*\"], \"Action\": ["
        + "\"ecs:ModifyNetworkInterfaceAttribute\",\n\t\"ecs:DescribeInstances\", \"ecs:UnassignPrivateIpAddresses\","
        + " \"ecs:AssignPrivateIpAddresses\", \"ecs:DescribeInstanceAttribute\", \"ecs:DeleteNetworkInterface\","
        + " \"ecs:DetachNetworkInterface\", \"ecs:AttachNetworkInterface\", \"ecs:DescribeNetworkInterfaces\","
        + " \"ecs:CreateNetworkInterface\"]},\n {\"Effect\": \"Allow\", \"Resource\": [\"*\"], \"Action\": "
        + "[\"vpc:DescribeVSwitches\"]} ], \"Version\" : \"1\" }";

    assertThat(runbook.semanticallyEquals(reversed)).isTrue();
  }

  @Test
  void singleStringEqualsOneElementListForActionAndResource() {
    String strings = "{\"Version\":\"1\",\"Statement\":["
        + "{\"Action\":[" + ECS_ACTIONS + "],\"Resource\":\"*\",\"Effect\":\"Allow\"},"
        + "{\"Action\":\"vpc:DescribeVSwitches\",\"Resource\":\"*\",\"Effect\":\"Allow\"}]}";

    assertThat(runbook.semanticallyEquals(strings)).isTrue();
    assertThat(PolicyDocument.parse(strings)).isEqualTo(runbook).hasSameHashCodeAs(runbook);
  }

  @Test
  void addedActionMakesADifferentDocument() {
    String more = PolicyDocument.TERWAY_ENIIP_TEXT.replace("[\"vpc:DescribeVSwitches\"]",
        "[\"vpc:DescribeVSwitches\", \"vpc:DescribeVpcs\"]");

    assertThat(runbook.semanticallyEquals(more)).isFalse();
    assertThat(PolicyDocument.parse(more)).isNotEqualTo(runbook);
  }

  @Test
  void removedActionMakesADifferentDocument() {
    String fewer = PolicyDocument.TERWAY_ENIIP_TEXT.replace("\"ecs:DescribeInstances\",", "");
    assertThat(fewer).isNotEqualTo(PolicyDocument.TERWAY_ENIIP_TEXT);

    assertThat(runbook.semanticallyEquals(fewer)).isFalse();
  }

  @Test
  void removedStatementMakesADifferentDocument() {
    String ecsOnly = "{\"Version\":\"1\",\"Statement\":[{\"Action\":[" + ECS_ACTIONS
        + "],\"Resource\":[\"*\"],\"Effect\":\"Allow\"}]}";

    assertThat(runbook.semanticallyEquals(ecsOnly)).isFalse();
  }

  @Test
  void changedEffectMakesADifferentDocument() {
    String deny = PolicyDocument.TERWAY_ENIIP_TEXT.replaceFirst("\"Allow\"", "\"Deny\"");

    assertThat(runbook.semanticallyEquals(deny)).isFalse();
  }

  @Test
  void changedResourceMakesADifferentDocument() {
    String narrower = PolicyDocument.TERWAY_ENIIP_TEXT.replaceFirst("\\[\"\\*\"]", "[\"acs:ecs:*:*:instance/*\"]");

    assertThat(runbook.semanticallyEquals(narrower)).isFalse();
  }

  @Test
  void conditionTakesPartInTheComparison() {
    PolicyDocument fromVpc = PolicyDocument.parse(withCondition(
        "{\"StringEquals\": {\"acs:SourceVpc\": [\"vpc-1\", \"vpc-2\"]}}"));

    assertThat(fromVpc.semanticallyEquals(withCondition(
        "{\"StringEquals\": {\"acs:SourceVpc\": [\"vpc-2\", \"vpc-1\"]}}"))).as("values are a set").isTrue();
    assertThat(fromVpc.semanticallyEquals(withCondition(
        "{\"StringEquals\": {\"acs:SourceVpc\": [\"vpc-1\", \"vpc-3\"]}}"))).as("other value").isFalse();
    assertThat(fromVpc.semanticallyEquals(withCondition(
        "{\"StringLike\": {\"acs:SourceVpc\": [\"vpc-1\", \"vpc-2\"]}}"))).as("other operator").isFalse();
    assertThat(fromVpc.semanticallyEquals(withCondition(null))).as("no condition").isFalse();
  }

  @Test
  void conditionKeyOrderDoesNotMatter() {
    PolicyDocument a = PolicyDocument.parse(withCondition(
        "{\"Bool\": {\"acs:SecureTransport\": \"true\"}, \"IpAddress\": {\"acs:SourceIp\": \"10.0.0.0/8\"}}"));

    assertThat(a.semanticallyEquals(withCondition(
        "{\"IpAddress\": {\"acs:SourceIp\": \"10.0.0.0/8\"}, \"Bool\": {\"acs:SecureTransport\": \"true\"}}")))
        .isTrue();
  }

  @Test
  void resourceWithACommaIsNotTheSameAsTwoResources() {
    String one = "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"oss:GetObject\",\"Resource\":[\"a, b\"],"
        + "\"Effect\":\"Allow\"}]}";
    String two = "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"oss:GetObject\",\"Resource\":[\"a\", \"b\"],"
        + "\"Effect\":\"Allow\"}]}";

    assertThat(PolicyDocument.parse(one).semanticallyEquals(two)).isFalse();
  }

  @Test
  void compactTextIsCompactJsonOfTheSameDocument() throws Exception {
    String compact = runbook.compactText();

    assertThat(compact).doesNotContain(" ", "\n", "\t").startsWith("{\"Version\":\"1\",\"Statement\":[");
    JsonNode reparsed = JsonMapper.builder().build().readTree(compact);
    JsonNode original = JsonMapper.builder().build().readTree(PolicyDocument.TERWAY_ENIIP_TEXT);
    assertThat(reparsed).isEqualTo(original);
    assertThat(PolicyDocument.parse(compact)).isEqualTo(runbook);
    assertThat(runbook).hasToString(compact);
    assertThat(runbook.text()).isEqualTo(PolicyDocument.TERWAY_ENIIP_TEXT);
  }

  @Test
  void textThatIsNotAPolicyNeverEqualsOne() {
    assertThat(runbook.semanticallyEquals("not json")).isFalse();
    assertThat(runbook.semanticallyEquals((String) null)).isFalse();
    assertThat(runbook.semanticallyEquals((PolicyDocument) null)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not JSON                | Version: 1                                                                                          | a JSON policy document, found text that is not JSON
      JSON array              | []                                                                                                  | a JSON object with Version and Statement
      no Statement            | {"Version":"1"}                                                                                     | a non-empty Statement list
      empty Statement         | {"Version":"1","Statement":[]}                                                                      | a non-empty Statement list
      no Version              | {"Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":"*"}]}                                  | Version "1" in the policy document, found no Version
      Version a number        | {"Version":1,"Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":"*"}]}                      | Version "1" in the policy document, found 1
      lowercase Effect        | {"Version":"1","Statement":[{"Effect":"allow","Action":"ecs:A","Resource":"*"}]}                    | Effect Allow or Deny at Statement[0], found "allow"
      no Effect               | {"Version":"1","Statement":[{"Action":"ecs:A","Resource":"*"}]}                                     | Effect Allow or Deny at Statement[0], found no Effect
      Effect a list           | {"Version":"1","Statement":[{"Effect":["Allow"],"Action":"ecs:A","Resource":"*"}]}                  | Effect Allow or Deny at Statement[0]
      action without service  | {"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:A","DescribeVSwitches"],"Resource":"*"}]} | actions of the form service:Action at Statement[0].Action, found "DescribeVSwitches"
      no Action               | {"Version":"1","Statement":[{"Effect":"Allow","Resource":"*"}]}                                     | exactly one of Action and NotAction at Statement[0], found neither
      empty Resource list     | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":[]}]}                     | a string or a non-empty list of strings at Statement[0].Resource
      statement not an object | {"Version":"1","Statement":["Allow"]}                                                               | an object at Statement[0]
      duplicate key           | {"Version":"1","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"ecs:A","Resource":"*"}]}    | each key at most once in the policy document, found "Effect" again
      a Principal             | {"Version":"1","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecs:A","Resource":"*"}]}    | no Principal at Statement[0]
      Sid is not RAM grammar  | {"Version":"1","Statement":[{"Sid":"a","Effect":"Allow","Action":"ecs:A","Resource":"*"}]}          | only Effect, Action or NotAction, Resource and Condition at Statement[0]
      NotResource             | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:A","NotResource":"*"}]}                 | found "NotResource"
      unknown top-level key   | {"Version":"1","Id":"p","Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":"*"}]}          | only Version and Statement at the top of a RAM policy document, found "Id"
      neither Action form     | {"Version":"1","Statement":[{"Effect":"Allow","Resource":"*","Condition":{}}]}                      | exactly one of Action and NotAction at Statement[0], found neither
      unknown operator        | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":"*","Condition":{"StringMatch":{"acs:SourceIp":"x"}}}]} | condition operators (Bool, DateEquals
      AWS IfExists operator   | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":"*","Condition":{"StringEqualsIfExists":{"k":"v"}}}]} | found "StringEqualsIfExists"
      condition not an object | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":"*","Condition":{"Bool":"true"}}]} | a non-empty object of condition keys at Statement[0].Condition.Bool
      condition value object  | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":{}}}}]} | a string, number or boolean (or a non-empty list of them) without control characters at Statement[0].Condition.Bool.acs:SecureTransport
      escape in a resource    | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:A","Resource":"acs:ecs:*:*:\\u001b[2J"}]} | strings without control characters at Statement[0].Resource
      """)
  void invalidDocumentIsRejectedSayingWhatWasExpected(String name, String text, String expected) {
    assertThat(PolicyDocument.problemWith(text)).contains(expected);
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDocument.parse(text)).withMessageContaining(expected);
  }

  @Test
  void everyOperatorOfRamIsAcceptedInACondition() {
    for (String operator : List.of("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals",
        "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
        "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool",
        "IpAddress", "NotIpAddress")) {
      String text = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:A\",\"Resource\":\"*\","
          + "\"Condition\":{\"" + operator + "\":{\"acs:SourceIp\":[\"10.0.0.0/8\", 1, true]}}}]}";
      assertThat(PolicyDocument.problemWith(text)).as(operator).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      the runbook policy                | true  | {"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:DescribeVSwitches","Resource":"*"}]}
      a service wildcard                | true  | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}
      a wildcard in any letter case     | true  | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ECS:describe?nstances","Resource":"*"}]}
      NotAction leaving some out        | true  | {"Version":"1","Statement":[{"Effect":"Allow","NotAction":"ecs:Delete*","Resource":"*"}]}
      NotAction leaving none            | false | {"Version":"1","Statement":[{"Effect":"Allow","NotAction":["ecs:*","vpc:*"],"Resource":"*"}]}
      another service only              | false | {"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}
      a Deny of the Terway actions      | false | {"Version":"1","Statement":[{"Effect":"Deny","Action":"ecs:*","Resource":"*"}]}
      """)
  void whetherADocumentAllowsAnyActionTerwayNeeds(String name, boolean allows, String text) {
    assertThat(PolicyDocument.parse(text).allowsAnyOf(PolicyDocument.TERWAY_ACTIONS)).isEqualTo(allows);
  }

  @Test
  void actionAndNotActionStatementsAreNeverEqual() {
    String action = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:A\",\"Resource\":\"*\"}]}";

    assertThat(PolicyDocument.parse(action).semanticallyEquals(action.replace("\"Action\"", "\"NotAction\""))).isFalse();
  }

  @Test
  void wildcardActionsAreAccepted() {
    assertThat(PolicyDocument.problemWith(
        "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"*\",\"ecs:Describe*\"],\"Resource\":\"*\"}]}"))
        .isNull();
  }

  @Test
  void documentLongerThanRamAllowsIsRejected() {
    String document = documentWithActions(400);
    assertThat(document.length()).isGreaterThan(PolicyDocument.MAX_LENGTH);

    assertThat(PolicyDocument.problemWith(document))
        .isEqualTo("a policy document of at most 6144 characters in compact JSON, found " + document.length());
  }

  @Test
  void indentationDoesNotCountAgainstTheLengthLimitBecauseTheCompactFormIsSent() {
    String compact = documentWithActions(100);
    String indented = compact.replace(",", ",\n" + " ".repeat(40));
    assertThat(compact.length()).isLessThan(PolicyDocument.MAX_LENGTH);
    assertThat(indented.length()).isGreaterThan(PolicyDocument.MAX_LENGTH);

    assertThat(PolicyDocument.problemWith(indented)).isNull();
    assertThat(PolicyDocument.parse(indented).compactText()).isEqualTo(compact);
  }

  /** A valid compact document with {@code count} distinct actions. */
  static String documentWithActions(int count) {
    String actions = IntStream.range(0, count).mapToObj(i -> "\"ecs:DescribeThing" + i + "\"")
        .collect(Collectors.joining(","));
    return "{\"Version\":\"1\",\"Statement\":[{\"Action\":[" + actions + "],\"Resource\":[\"*\"],\"Effect\":\"Allow\"}]}";
  }

  private static String withCondition(String condition) {
    return "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"ecs:DescribeInstances\",\"Resource\":\"*\","
        + "\"Effect\":\"Allow\"" + (condition == null ? "" : ",\"Condition\":" + condition) + "}]}";
  }
}
