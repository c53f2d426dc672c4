package io.hybridcni.aliyun;

/**
 * One entry of CS's DescribeClusterTasks ({@code GET /clusters/{cluster_id}/tasks}), as cs20151215 3.0.15's
 * {@code DescribeClusterTasksResponseBody.DescribeClusterTasksResponseBodyTasks} models it: {@code task_id},
 * {@code task_type}, {@code state}, {@code created} (and {@code updated}, {@code error}, not kept here). The entry
 * does not say which addon its task changes; DescribeTaskInfo's {@code task_result} does ({@link AddonTask#resources()}).
 *
 * @param id the task id
 * @param type the task type as ACK names it, or {@code null}
 * @param state as ACK reports it ({@code running}, {@code failed}, {@code success}), or {@code null}
 * @param created when the task was created, as ACK writes it, or {@code null}
 */
public record ClusterTask(String id, String type, String state, String created) {

  /** The task is still going: state {@code running}, in any case. */
  public boolean running() {
    return "running".equalsIgnoreCase(state);
  }
}
