package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.InMemoryWorld;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code apply} prints when this process loses the apply Lease part-way: the world is the core's in-memory one,
 * with a lock that reports itself lost once two actions have run (as the Lease lock does once it could not renew
 * within its renew deadline).
 */
class ApplyLockLostTest {

  @TempDir
  Path dir;

  @Test
  void applySaysItStoppedBecauseItLostTheLeaseAndExitsWithAnError() throws IOException {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    ApplyLock losing = (holder, wait) -> new ApplyLock.Held() {
      @Override
      public Optional<String> lost() {
        return world.executed().size() < 2 ? Optional.empty()
            : Optional.of("could not renew Lease kube-system/hybridcni-apply within its renew deadline of 20 s");
      }

      @Override
      public void close() {}
    };
    Reconciler reconciler = Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).lock(losing)
        .build();
    Environment.Factory environments = (spec, target) -> new Environment() {
      @Override
      public Reconciler reconciler() {
        return reconciler;
      }

      @Override
      public String describe() {
        return "an in-memory cluster and account";
      }

      @Override
      public void close() {}
    };
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "cluster:\n  id: " + Specs.CLUSTER_ID + "\n  region: " + Specs.REGION + "\n");

    CliRun run = CliRun.run(environments, false, "", "apply", "-f", spec.toString(), "--auto-approve");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(world.executed()).containsExactly("ram-user", "ram-policy");
    assertThat(run.out()).contains("Applied 2 of 7 action(s).");
    assertThat(run.err()).contains("Apply stopped before its next action: lost the apply Lease: could not renew "
        + "Lease kube-system/hybridcni-apply within its renew deadline of 20 s");
  }
}
