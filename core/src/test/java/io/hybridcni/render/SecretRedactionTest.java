package io.hybridcni.render;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Plan;
import io.hybridcni.planner.PlannedState;
import io.hybridcni.planner.Planner;
import io.hybridcni.spec.HybridNetworkSpec;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixture AccessKey secret appears in no rendering of any plan of any sample cluster. */
class SecretRedactionTest {

  @Test
  void noRenderingOfAnySampleClustersPlanContainsTheFixtureSecret() throws Exception {
    List<HybridNetworkSpec> specs = List.of(Specs.auto(), Specs.bgp(), Specs.hostNetwork(),
        Specs.builder().deleteOrphanAccessKeys(true).addonVersion("v1.10.0").build());
    int plans = 0;
    for (ObservedState state : allSampleClusters()) {
      for (HybridNetworkSpec spec : specs) {
        Plan plan = new Planner().plan(spec, state);
        assertThat(plan).redacts(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
        assertThat(PlannedState.simulate(plan, state).toString())
            .doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
        assertThat(state.toString()).doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
        plans++;
      }
    }
    assertThat(plans).isGreaterThanOrEqualTo(40);
  }

  /** Every public static no-argument method of SampleClusters that returns a state. */
  static List<ObservedState> allSampleClusters() throws Exception {
    List<ObservedState> states = new ArrayList<>();
    for (Method m : SampleClusters.class.getMethods()) {
      if (m.getReturnType() == ObservedState.class && m.getParameterCount() == 0) {
        states.add((ObservedState) m.invoke(null));
      }
    }
    return states;
  }
}
