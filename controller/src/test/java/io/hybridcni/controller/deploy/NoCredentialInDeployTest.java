package io.hybridcni.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Nothing under deploy/ or charts/ holds a credential: no Secret object, no env var with a credential's name set
 * to a value instead of a secretKeyRef, no text that looks like an AccessKey id ({@code LTAI} and 12 or more
 * characters, Alibaba Cloud's form) or a secret (a run of 30 or more base64 characters mixing upper case, lower case
 * and digits, as an AccessKey secret is), and the chart's {@code credentials} values only name a Secret and its keys.
 */
class NoCredentialInDeployTest {

  private static final Pattern ACCESS_KEY_ID = Pattern.compile("LTAI[0-9A-Za-z]{12,}");
  private static final Pattern SECRET_LIKE = Pattern.compile("[A-Za-z0-9+/]{30,}={0,2}");
  private static final Pattern CREDENTIAL_NAME = Pattern.compile("(?i).*(ACCESS_KEY|SECRET|TOKEN|PASSWORD).*");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  @Test
  void noFileUnderDeployOrChartsHoldsACredential() {
    List<String> found = new ArrayList<>();
    Manifests.allFiles().forEach((file, text) -> found.addAll(scan(file, text)));

    assertThat(Manifests.allFiles()).hasSizeGreaterThanOrEqualTo(18);
    assertThat(found).isEmpty();
  }

  @Test
  void everyRenderedObjectTakesCredentialsOnlyFromASecretKeyRef() {
    Map<String, Object> values = Manifests.values();
    values.put("createNamespace", true);
    List<String> found = new ArrayList<>();
    Manifests.chartObjects(values).forEach((key, object) -> found.addAll(objectProblems(key, object)));
    Manifests.deployObjects().forEach((key, object) -> found.addAll(objectProblems(key, object)));

    assertThat(found).isEmpty();
  }

  @Test
  void theChartsCredentialValuesOnlyNameASecretAndItsKeys() {
    Map<String, Object> credentials = HelmChartTest.map(Manifests.values(), "credentials");

    assertThat(credentials).containsOnlyKeys("existingSecret", "accessKeyIdKey", "accessKeySecretKey");
    credentials.values().forEach(v -> assertThat((String) v).matches(NAME));
  }

  @Test
  void theScanFindsAPlantedCredentialInEveryFormItLooksFor() {
    String planted = """
        apiVersion: v1
        kind: Secret
        metadata: {name: aliyun}
        stringData:
          access-key-id: LTAI5tHq8Ws2Pz9Xc4Vb7Nm1
          access-key-secret: Qm7xZ2vK9pWt4sLr8nYcB3hdT6fJ1a
        """;
    String inlineEnv = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec: {template: {spec: {containers: [{name: c, env: [{name: ALIBABA_CLOUD_ACCESS_KEY_SECRET, value: x}]}]}}}
        """;

    assertThat(scan(Path.of("planted.yaml"), planted)).hasSize(3);
    assertThat(scan(Path.of("env.yaml"), inlineEnv)).containsExactly(
        "env.yaml: Deployment//x sets ALIBABA_CLOUD_ACCESS_KEY_SECRET without a secretKeyRef");
  }

  private static List<String> scan(Path file, String text) {
    List<String> found = new ArrayList<>();
    Matcher id = ACCESS_KEY_ID.matcher(text);
    while (id.find()) {
      found.add(file + ": an AccessKey id " + id.group().substring(0, 4) + "...");
    }
    Matcher secret = SECRET_LIKE.matcher(text);
    while (secret.find()) {
      String run = secret.group();
      if (run.matches(".*[A-Z].*") && run.matches(".*[a-z].*") && run.matches(".*[0-9].*")
          && !ACCESS_KEY_ID.matcher(run).find()) {
        found.add(file + ": a secret-like run of " + run.length() + " characters");
      }
    }
    if (file.toString().endsWith(".yaml") && !file.toString().contains("templates")) {
      for (Object doc : Manifests.yaml(text)) {
        if (doc instanceof Map<?, ?> object && object.containsKey("kind")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> typed = (Map<String, Object>) object;
          objectProblems(Manifests.key(typed), typed).forEach(p -> found.add(file + ": " + p));
        }
      }
    }
    return found;
  }

  private static List<String> objectProblems(String key, Map<String, Object> object) {
    List<String> problems = new ArrayList<>();
    if ("Secret".equals(object.get("kind"))) {
      problems.add(key + " is a Secret");
    }
    walk(object, key, problems);
    return problems;
  }

  /** Every {@code env} entry anywhere in the object: a credential's name must come from a secretKeyRef. */
  private static void walk(Object node, String key, List<String> problems) {
    if (node instanceof Map<?, ?> map) {
      Object env = map.get("env");
      if (env instanceof List<?> vars) {
        for (Object var : vars) {
          Map<?, ?> entry = (Map<?, ?>) var;
          String name = String.valueOf(entry.get("name"));
          boolean fromSecret = entry.get("valueFrom") instanceof Map<?, ?> from && from.containsKey("secretKeyRef");
          if (CREDENTIAL_NAME.matcher(name).matches() && (entry.containsKey("value") || !fromSecret)) {
            problems.add(key + " sets " + name + " without a secretKeyRef");
          }
        }
      }
      map.values().forEach(v -> walk(v, key, problems));
    } else if (node instanceof List<?> list) {
      list.forEach(v -> walk(v, key, problems));
    }
  }
}
