package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A member's leadership is the shard's ownership asked at the moment of each write, and ends for good when revoked. */
class ShardLeadershipTest {

  @Test
  void itLeadsWhileTheShardIsHeldAndSaysWhichShardOnceItIsNot() {
    FixedShards shards = new FixedShards(8, Set.of(3));
    ShardLeadership leadership = new ShardLeadership(shards, 3);
    List<Boolean> told = new ArrayList<>();
    leadership.start(told::add);

    assertThat(told).containsExactly(true);
    assertThat(leadership.lost()).isEmpty();

    shards.loseSilently(3);
    assertThat(leadership.lost()).contains("this replica no longer holds shard 3 of 8");
    shards.hold(Set.of(3));
    assertThat(leadership.lost()).as("a shard back before the fleet noticed").isEmpty();
  }

  @Test
  void aRevokedLeadershipNeverLeadsAgainAndTellsItsControllerOnce() {
    FixedShards shards = new FixedShards(2, Set.of(0, 1));
    ShardLeadership leadership = new ShardLeadership(shards, 1);
    List<Boolean> told = new ArrayList<>();
    leadership.start(told::add);

    leadership.revoke();
    leadership.close();

    assertThat(told).containsExactly(true, false);
    assertThat(leadership.lost()).contains("the fleet stopped keeping this cluster");
  }

  @Test
  void aShardNotHeldAtStartIsToldAsNotLeading() {
    ShardLeadership leadership = new ShardLeadership(new FixedShards(2, Set.of(0)), 1);
    List<Boolean> told = new ArrayList<>();
    leadership.start(told::add);

    assertThat(told).containsExactly(false);
    assertThat(leadership.leading()).isFalse();
  }
}
