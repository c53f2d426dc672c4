package io.hybridcni.testkit.aliyun;

/** An error answer: the HTTP status, the error code and a message. Rendered in the caller's product shape. */
final class ApiError extends RuntimeException {

  private final int status;
  private final String code;

  ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  static ApiError notFound(String code, String message) {
    return new ApiError(404, code, message);
  }

  static ApiError conflict(String code, String message) {
    return new ApiError(409, code, message);
  }

  static ApiError missingParameter(String name) {
    return badRequest("MissingParameter",
        "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.");
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
