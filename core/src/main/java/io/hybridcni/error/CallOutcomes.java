package io.hybridcni.error;

/**
 * The one rule both adapters use to tell, from how a write failed, whether its change may have happened. Crossplane's
 * rule follows from it: a write whose outcome is unknown is followed by a read, never by a compensation that assumes
 * it failed.
 *
 * <ul>
 *   <li><b>Outcome unknown</b>: no answer at all (a timeout, a connection reset or closed before the answer) or any
 *   5xx. The server may have committed the change before the answer was lost: a Kubernetes API server answers 504
 *   {@code Timeout} when a request's deadline passes while its storage write goes on, and 500 when etcd times out
 *   although the proposal may still be applied; a proxy or load balancer in front of either service answers 502 or
 *   504 after it forwarded the request; Alibaba Cloud's gateway answers 5xx the same way.</li>
 *   <li><b>Definitely not applied</b>: any 4xx (400, 401, 403, 404, 409, 422, 429, RAM's {@code EntityAlreadyExists}
 *   and {@code LimitExceeded}): authentication, authorization, admission, validation, preconditions and throttling
 *   all refuse a request before it is stored. (A 4xx answering the <em>retry</em> of a write whose first answer was
 *   lost, such as 409 {@code AlreadyExists}, says the retry did nothing, not that the first attempt did nothing.)</li>
 * </ul>
 */
public final class CallOutcomes {

  private CallOutcomes() {}

  /**
   * Whether a write that failed this way may have been applied.
   *
   * @param httpStatus the HTTP status of the answer; {@code null}, 0 or negative when no answer arrived (fabric8
   *     reports a request timeout as -1, a broken connection as 0)
   */
  public static boolean outcomeUnknown(Integer httpStatus) {
    return httpStatus == null || httpStatus <= 0 || httpStatus >= 500;
  }
}
