package io.hybridcni.aliyun;

import java.util.List;
import java.util.Locale;

/**
 * What CS's DescribeTaskInfo ({@code GET /tasks/{task_id}}) says about the task an addon install, upgrade or
 * uninstall started. The task is the authority on the change: an addon instance can read {@code active} after its
 * task failed (the Terraform alicloud provider fixed exactly that, "wrong status(success) after failing to create
 * or update", by waiting on the task: {@code DescribeTaskRefreshFunc} in alicloud/service_alicloud_cs.go).
 *
 * <p>Shape, from {@code DescribeTaskInfoResponseBody} of the CS SDK (aliyun/alibabacloud-java-sdk,
 * cs-20151215/.../models/DescribeTaskInfoResponseBody.java): {@code state} {@code running}, {@code fail} (the API
 * reference says {@code failed}) or {@code success}; {@code error} {@code {code, message}}; {@code task_result}
 * {@code [{data, status}]}. Release 3.0.15 of that SDK predates {@code error}, so the adapter reads the raw answer.
 *
 * @param id the task id
 * @param state as ACK reports it, or {@code null}
 * @param errorCode the task's {@code error.code}, or {@code null}
 * @param errorMessage the task's {@code error.message}, or {@code null}
 * @param requestId the request id of the DescribeTaskInfo answer, or {@code null}
 * @param resources the {@code data} of each {@code task_result} entry: "the resources that are managed by the task"
 *     (the CS API reference, DescribeTaskInfo), for an addon task the addon's name; empty when ACK lists none
 */
public record AddonTask(String id, String state, String errorCode, String errorMessage, String requestId,
    List<String> resources) {

  public AddonTask {
    resources = resources == null ? List.of() : List.copyOf(resources);
  }

  /** A task whose {@code task_result} was not read. */
  public AddonTask(String id, String state, String errorCode, String errorMessage, String requestId) {
    this(id, state, errorCode, errorMessage, requestId, List.of());
  }

  /** The task is still going: state {@code running}, in any case. */
  public boolean running() {
    return "running".equalsIgnoreCase(state);
  }

  /** The task failed: state {@code fail} or {@code failed} (Terraform waits on both), or canceled, in any case. */
  public boolean failed() {
    String s = state == null ? "" : state.toLowerCase(Locale.ROOT);
    return s.equals("fail") || s.equals("failed") || s.equals("canceled") || s.equals("cancelled");
  }

  /** The task finished well. */
  public boolean succeeded() {
    return "success".equalsIgnoreCase(state);
  }

  /** One line for an error: the task, its state, ACK's error code and message and the request id. */
  public String describeFailure() {
    return "task " + id + " is " + state
        + (errorCode == null ? "" : ": " + errorCode)
        + (errorMessage == null ? "" : (errorCode == null ? ": " : " ") + errorMessage)
        + (requestId == null ? "" : " [request id " + requestId + "]");
  }
}
