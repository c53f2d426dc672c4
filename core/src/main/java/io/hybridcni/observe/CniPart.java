package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The facts of one on-premises CNI other than Calico, as its detector builds them from the objects it reads: what
 * the planner and {@code status} need of any CNI without knowing which one it is. Calico is the CNI hybridcni
 * changes, so {@link CniFacts} holds its facts typed; every other CNI is one of these, kept under its key.
 */
public interface CniPart {

  /**
   * The workloads observed to run this CNI (empty when only its configuration was found), so that the planner can
   * look them up by reference, the observer can keep the node labels their placements refer to, and
   * {@code status} can list their pods without a line per CNI.
   */
  @JsonIgnore
  List<Workload> workloads();
}
