package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cloud observer starts every read at once (GetUser, GetPolicy, ListPolicyVersions, ListEntitiesForPolicy,
 * ListPoliciesForUser, ListAccessKeys, DescribeClusterDetail, the addon instances) and only then looks at the
 * answers; reads about a user or policy that turn out absent are not looked at, so their failure is no error.
 */
class SpeculativeCloudReadsTest {

  /** Runs nothing until {@code expected} tasks were submitted (or a second passed), then runs them all. */
  private static final class Gate implements Executor {
    private final int expected;
    private final List<Runnable> tasks = new ArrayList<>();
    private int seenBeforeFirstRun = -1;

    Gate(int expected) {
      this.expected = expected;
    }

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
      if (tasks.size() == expected) {
        seenBeforeFirstRun = tasks.size();
        List<Runnable> batch = List.copyOf(tasks);
        Thread runner = new Thread(() -> batch.forEach(Runnable::run), "gate");
        runner.setDaemon(true);
        runner.start();
      }
    }

    synchronized int seenBeforeFirstRun() {
      return seenBeforeFirstRun;
    }
  }

  @Test
  void everyCloudReadIsSubmittedBeforeAnyAnswerIsLookedAt() throws Exception {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      Gate gate = new Gate(8);

      CloudFacts facts = new AliyunObserver(bed.ram, bed.ack, gate).observe(CloudTestBed.spec());

      assertThat(gate.seenBeforeFirstRun()).isEqualTo(8);
      assertThat(facts.ram().user()).isNotNull();
      assertThat(facts.ram().accessKeys()).isNotEmpty();
      assertThat(facts.addons()).isNotEmpty();
    }
  }

  @Test
  void readsAboutAUserAndPolicyThatDoNotExistYetAreNoError() {
    try (CloudTestBed bed = new CloudTestBed(FakeAliyunOptions.defaults(),
        SampleClusters.freshHostNetwork().kubernetes())) {
      CloudFacts facts = new AliyunObserver(bed.ram, bed.ack).observe(CloudTestBed.spec());

      assertThat(facts.ram().user()).isNull();
      assertThat(facts.ram().policy()).isNull();
      assertThat(facts.ram().attachedPolicies()).isEmpty();
      assertThat(facts.ram().accessKeys()).isEmpty();
      // They were asked all the same, alongside GetUser and GetPolicy.
      assertThat(bed.fake.journal().operations()).contains("GetUser", "GetPolicy", "ListAccessKeys",
          "ListPoliciesForUser", "ListPolicyVersions");
    }
  }
}
