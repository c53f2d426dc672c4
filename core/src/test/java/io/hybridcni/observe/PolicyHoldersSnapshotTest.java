package io.hybridcni.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hybridcni.error.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Who holds the policy is part of a snapshot; a snapshot written before holders were observed reads as unknown. */
class PolicyHoldersSnapshotTest {

  private static final String POLICY = """
      format_version: 1
      observed:
        ram:
          policy:
            name: ack-one-registered-cluster-policy-terway-eniip
            type: Custom
            versions: []
      %s...
      """;

  @Test
  void aSnapshotWithoutHoldersReadsAsHoldersNotObserved() {
    ObservedState state = Snapshots.fromYaml("old.yaml", POLICY.formatted(""));

    assertThat(state.ram().policy().holders()).isNull();
  }

  @Test
  void holdersReadBackOrderedByKindAndName() {
    ObservedState state = Snapshots.fromYaml("s.yaml", POLICY.formatted("""
              holders:
              - {kind: ROLE, name: terway-role}
              - {kind: USER, name: b-user}
              - {kind: USER, name: a-user}
        """));

    assertThat(state.ram().policy().holders()).extracting(RamFacts.PolicyHolder::toString)
        .containsExactly("user a-user", "user b-user", "role terway-role");
    assertThat(Snapshots.fromYaml("again.yaml", Snapshots.toYaml(state))).isEqualTo(state);
  }

  @Test
  void anUnknownKindOfHolderFailsNamingTheField() {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> Snapshots.fromYaml("s.yaml", POLICY.formatted("""
                  holders:
                  - {kind: ACCOUNT, name: root}
            """)));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("observed.ram.policy.holders[0].kind");
      assertThat(p.expected()).startsWith("one of USER, GROUP, ROLE");
    });
  }
}
