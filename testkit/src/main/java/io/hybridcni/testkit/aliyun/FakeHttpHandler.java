package io.hybridcni.testkit.aliyun;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves one HTTP exchange the way the Aliyun gateway and the two products would: check the signature, pick
 * the operation, apply injected faults, run the operation, answer (or drop), and journal what happened.
 */
final class FakeHttpHandler implements HttpHandler {

  /**
   * STS, served for {@code GetCallerIdentity} only (https://help.aliyun.com/document_detail/43767.html). A disabled
   * or unknown key and a wrong secret are refused by the gateway below before any product sees the request, with
   * the common codes (https://www.alibabacloud.com/help/doc-detail/69008.htm): {@code InvalidAccessKeyId.NotFound}
   * (404), {@code InvalidAccessKeyId.Inactive} (400), {@code SignatureDoesNotMatch} (400).
   */
  static final String STS_API_VERSION = "2015-04-01";
  static final Set<String> STS_ACTIONS = Set.of("GetCallerIdentity");

  private static final Pattern ACS_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  private static final List<String> REQUIRED_SIGNED_HEADERS =
      List.of("host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-version");

  private final FakeAliyunOptions options;
  private final Ids ids;
  private final RamService ram;
  private final CsService cs;
  private final Faults faults;
  private final AtomicLong sequence = new AtomicLong();
  private final List<JournalEntry> journal = new ArrayList<>();
  private final Set<String> usedNonces = new HashSet<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();

  FakeHttpHandler(FakeAliyunOptions options, Ids ids, RamService ram, CsService cs, Faults faults) {
    this.options = options;
    this.ids = ids;
    this.ram = ram;
    this.cs = cs;
    this.faults = faults;
  }

  private enum Product {
    RAM("ram.aliyuncs.com", "Ram"),
    CS("cs.aliyuncs.com", "CS"),
    STS("sts.aliyuncs.com", "Sts"),
    UNKNOWN("aliyuncs.com", "");

    final String hostId;
    final String name;

    Product(String hostId, String name) {
      this.hostId = hostId;
      this.name = name;
    }
  }

  /** What a request asks for, worked out before anything is checked. */
  private record Call(Product product, String operation, Map<String, String> params, CsService.Route route) {}

  /**
   * A request counts as in flight from its arrival until its answer has been sent: the count drops just before the
   * last byte of the answer (or, for a dropped request, the close) goes out, so a client can never hold a complete
   * answer, and start its next call, while the fake still counts the request it answered. Dropping the count after
   * the close instead, or when the handler returns, left a window in which a descheduled handler thread still counted
   * a request the client had finished, and on a loaded machine the fleet bench saw limit + 1 in flight. Dropping it
   * before the answer starts would leave the opposite window: an answer not yet sent, not counted.
   * Without any answer (an I/O failure) the request leaves the count when its handler returns.
   */
  // Per handling thread, not an exchange attribute: on JDK 17 HttpExchange attributes are shared by the whole
  // context (JDK-8288109), so concurrent requests would see each other's flag. One thread handles one exchange.
  private static final ThreadLocal<java.util.concurrent.atomic.AtomicBoolean> IN_FLIGHT = new ThreadLocal<>();

  private void answered() {
    java.util.concurrent.atomic.AtomicBoolean flag = IN_FLIGHT.get();
    if (flag != null && flag.compareAndSet(true, false)) {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long received = System.nanoTime();
    IN_FLIGHT.set(new java.util.concurrent.atomic.AtomicBoolean(true));
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      serve(exchange, received);
    } catch (RuntimeException | Error e) {
      // A bug in the fake must show up as a clear answer, not a hung client.
      try {
        byte[] bytes = ("{\"Code\":\"InternalError\",\"Message\":\"The fake failed: "
            + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(500, bytes.length);
        writeLastByteAnswered(exchange.getResponseBody(), bytes);
      } catch (IOException | RuntimeException answerFailed) {
        e.addSuppressed(answerFailed);
      } finally {
        exchange.close();
      }
      throw e;
    } finally {
      answered();
    }
  }

  /** Requests being served now, from the moment the server hands them over until their answer has been sent. */
  int inFlight() {
    return inFlight.get();
  }

  /** The most requests served at once since the start or the last {@link #resetPeakInFlight()}. */
  int peakInFlight() {
    return peakInFlight.get();
  }

  void resetPeakInFlight() {
    peakInFlight.set(inFlight.get());
  }

  private void serve(HttpExchange exchange, long received) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    long seq = sequence.incrementAndGet();
    String requestId = ids.requestId();
    IncomingRequest request = IncomingRequest.of(exchange.getRequestMethod(),
        exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
        exchange.getRequestHeaders(), body);
    pause(options.latency());

    Call call = identify(request);
    String accessKeyId = "";
    boolean gatewayPhase = true;
    try {
      Acs3Signature.Authorization authorization = Acs3Signature.Authorization.parse(request.header("authorization"));
      accessKeyId = authorization.accessKeyId();
      authenticate(request, authorization);
      requireKnown(call, request);

      gatewayPhase = false;
      Faults.Decision decision = faults.next(call.operation());
      pause(decision.delay());
      if (decision.outcome().kind() == Faults.Kind.FAIL) {
        Faults.Outcome outcome = decision.outcome();
        throw new ApiError(outcome.status(), outcome.code(), outcome.message());
      }
      JsonNode result = execute(call, request, requestId);
      if (decision.outcome().kind() == Faults.Kind.FAIL_AFTER_COMMIT) {
        Faults.Outcome outcome = decision.outcome();
        throw new ApiError(outcome.status(), outcome.code(), outcome.message());
      }
      if (decision.outcome().kind() == Faults.Kind.DROP_AFTER_COMMIT) {
        record(seq, received, call, request, accessKeyId, 0, requestId, null, result);
        // The close is this request's only answer: the client may retry once it sees it.
        answered();
        exchange.close();
        return;
      }
      record(seq, received, call, request, accessKeyId, 200, requestId, null, result);
      respond(exchange, 200, requestId, result);
    } catch (ApiError error) {
      JsonNode answer = gatewayPhase || call.product() != Product.CS
          ? popError(call.product(), error, requestId)
          : csError(error, requestId);
      record(seq, received, call, request, accessKeyId, error.status(), requestId, error.code(), answer);
      respond(exchange, error.status(), requestId, answer);
    }
  }

  // ---------------------------------------------------------------------------------------------- routing

  private static Call identify(IncomingRequest request) {
    String version = request.header("x-acs-version");
    String action = request.header("x-acs-action");
    if (RamService.API_VERSION.equals(version)) {
      Map<String, String> params = new LinkedHashMap<>(request.query());
      String contentType = request.header("content-type");
      if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        params.putAll(IncomingRequest.parseForm(request.bodyText()));
      }
      String operation = action != null ? action : params.getOrDefault("Action", "?");
      return new Call(Product.RAM, operation, params, null);
    }
    if (STS_API_VERSION.equals(version)) {
      return new Call(Product.STS, action != null ? action : request.query().getOrDefault("Action", "?"), Map.of(),
          null);
    }
    if (CsService.API_VERSION.equals(version)) {
      Optional<CsService.Route> route = CsService.route(request.method(), request.segments());
      String operation = route.map(CsService.Route::operation).orElse(action != null ? action : "?");
      return new Call(Product.CS, operation, Map.of(), route.orElse(null));
    }
    return new Call(Product.UNKNOWN, action != null ? action : "?", Map.of(), null);
  }

  private static void requireKnown(Call call, IncomingRequest request) {
    switch (call.product()) {
      case RAM -> {
        if (!RamService.ACTIONS.contains(call.operation())) {
          throw RamService.unknownAction(call.operation());
        }
        if (!request.method().equals("POST") && !request.method().equals("GET")) {
          throw ApiError.notFound("InvalidAction.NotFound",
              "RPC calls use POST or GET, was " + request.method() + ".");
        }
      }
      case STS -> {
        if (!STS_ACTIONS.contains(call.operation())) {
          throw ApiError.notFound("InvalidAction.NotFound", "Specified api is not found, please check your url and "
              + "method: " + call.operation() + "; the fake serves STS " + STS_ACTIONS + ".");
        }
      }
      case CS -> {
        if (call.route() == null) {
          throw ApiError.notFound("InvalidAction.NotFound", "Specified api is not found, please check your url and"
              + " method: " + request.method() + " " + request.rawPath() + ".");
        }
      }
      default -> throw ApiError.badRequest("InvalidVersion",
          "Specified parameter Version is not valid: " + request.header("x-acs-version") + "; the fake serves RAM "
              + RamService.API_VERSION + ", STS " + STS_API_VERSION + " and CS " + CsService.API_VERSION + ".");
    }
  }

  private JsonNode execute(Call call, IncomingRequest request, String requestId) {
    if (call.product() == Product.RAM) {
      ObjectNode answer = Json.object();
      answer.put("RequestId", requestId);
      answer.setAll(ram.handle(call.operation(), call.params(), accessKeyIdOf(request)));
      return answer;
    }
    if (call.product() == Product.STS) {
      ObjectNode answer = Json.object();
      answer.put("RequestId", requestId);
      answer.setAll(ram.callerIdentity(accessKeyIdOf(request), FakeAliyun.ACCOUNT_ID));
      return answer;
    }
    return cs.handle(call.route(), request.bodyText(), requestId);
  }

  private static String accessKeyIdOf(IncomingRequest request) {
    return Acs3Signature.Authorization.parse(request.header("authorization")).accessKeyId();
  }

  // ---------------------------------------------------------------------------------------------- gateway

  private void authenticate(IncomingRequest request, Acs3Signature.Authorization authorization) {
    for (String name : REQUIRED_SIGNED_HEADERS) {
      if (request.header(name) == null) {
        throw Acs3Signature.incomplete("the header " + name + " is missing");
      }
    }
    for (String name : request.headers().keySet()) {
      boolean mustBeSigned = name.startsWith("x-acs-") || name.equals("host");
      if (mustBeSigned && !authorization.signedHeaders().contains(name)) {
        throw Acs3Signature.incomplete("the header " + name + " is not in SignedHeaders");
      }
    }
    for (String name : authorization.signedHeaders()) {
      if (request.header(name) == null) {
        throw Acs3Signature.incomplete("the signed header " + name + " is not in the request");
      }
    }
    if (!ACS_DATE.matcher(request.header("x-acs-date")).matches()) {
      throw ApiError.badRequest("InvalidTimeStamp.Format",
          "Specified time stamp or date value is not well formatted: " + request.header("x-acs-date") + ".");
    }
    RamService.Credential credential = ram.credential(authorization.accessKeyId())
        .orElseThrow(() -> ApiError.notFound("InvalidAccessKeyId.NotFound", "Specified access key is not found."));
    if (!credential.active()) {
      throw ApiError.badRequest("InvalidAccessKeyId.Inactive", "Specified access key is disabled.");
    }
    // An STS AccessKey is valid only with its security token, sent in x-acs-security-token (which the checks above
    // require to be signed, as every x-acs-* header). The codes are the gateway's common ones (MissingSecurityToken,
    // InvalidSecurityToken.MismatchWithAccessKey, as Alibaba's STS clients and credentials-go's GetCallerIdentity
    // error handling list them); their 400 status is a guess within the 4xx those clients expect.
    Optional<String> token = ram.securityToken(authorization.accessKeyId());
    if (token.isPresent()) {
      String sent = request.header("x-acs-security-token");
      if (sent == null || sent.isEmpty()) {
        throw ApiError.badRequest("MissingSecurityToken", "SecurityToken is mandatory for this action.");
      }
      if (!java.security.MessageDigest.isEqual(token.get().getBytes(StandardCharsets.UTF_8),
          sent.getBytes(StandardCharsets.UTF_8))) {
        throw ApiError.badRequest("InvalidSecurityToken.MismatchWithAccessKey",
            "Specified SecurityToken mismatch with the AccessKey.");
      }
    }
    String payloadHash = Acs3Signature.sha256Hex(request.body());
    if (!Acs3Signature.hexEquals(payloadHash, request.header("x-acs-content-sha256"))) {
      throw ApiError.badRequest("SignatureDoesNotMatch",
          "The x-acs-content-sha256 header does not match the SHA-256 of the request body.");
    }
    String stringToSign =
        Acs3Signature.stringToSign(Acs3Signature.canonicalRequest(request, authorization, payloadHash));
    String expected = Acs3Signature.sign(stringToSign, credential.secret());
    if (!Acs3Signature.sameSignature(expected, authorization.signature())) {
      throw ApiError.badRequest("SignatureDoesNotMatch",
          "Specified signature does not match our calculation. server string to sign is:"
              + stringToSign.replace("\n", "\\n"));
    }
    if (options.rejectReplayedNonces()) {
      String nonce = authorization.accessKeyId() + "/" + request.header("x-acs-signature-nonce");
      synchronized (usedNonces) {
        if (!usedNonces.add(nonce)) {
          throw ApiError.badRequest("SignatureNonceUsed", "Specified signature nonce was used already.");
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- answers

  private static ObjectNode popError(Product product, ApiError error, String requestId) {
    ObjectNode node = Json.object();
    node.put("RequestId", requestId);
    node.put("HostId", product.hostId);
    node.put("Code", error.code());
    node.put("Message", error.getMessage());
    node.put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + error.code()
        + (product.name.isEmpty() ? "" : "&product=" + product.name) + "&requestId=" + requestId);
    return node;
  }

  private static ObjectNode csError(ApiError error, String requestId) {
    ObjectNode node = Json.object();
    node.put("code", error.code());
    node.put("message", error.getMessage());
    node.put("requestId", requestId);
    node.put("status", error.status());
    return node;
  }

  private void respond(HttpExchange exchange, int status, String requestId, JsonNode body) throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
    exchange.getResponseHeaders().set("x-acs-request-id", requestId);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      writeLastByteAnswered(out, bytes);
    }
  }

  /**
   * Writes an answer body (never empty: every answer is a JSON object) so that the request leaves the in-flight
   * count after all but its last byte are out and before the last one is: with a fixed Content-Length the client
   * cannot finish reading the answer before the count has dropped.
   */
  private void writeLastByteAnswered(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes, 0, bytes.length - 1);
    out.flush();
    answered();
    out.write(bytes, bytes.length - 1, 1);
    out.flush();
  }

  // ---------------------------------------------------------------------------------------------- journal

  private void record(long seq, long received, Call call, IncomingRequest request, String accessKeyId, int status,
      String requestId, String errorCode, JsonNode answer) {
    StringBuilder line = new StringBuilder();
    line.append('#').append(seq).append(' ').append(call.operation()).append(' ')
        .append(request.method()).append(' ').append(request.rawPath())
        .append(" key=").append(accessKeyId.isEmpty() ? "-" : accessKeyId);
    if (!call.params().isEmpty()) {
      line.append(" params=").append(Redactor.redact(call.params()));
    }
    if (request.body().length > 0 && call.product() != Product.RAM) {
      JsonNode parsed = Json.parseOrNull(request.bodyText());
      line.append(" body=").append(parsed == null ? "<" + request.body().length + " bytes>"
          : Json.write(Redactor.redact(parsed)));
    }
    line.append(" -> ").append(status == 0 ? "dropped after commit, would have answered 200" : status)
        .append(" request=").append(requestId)
        .append(' ').append(Json.write(Redactor.redact(answer)));
    String rendering = Redactor.scrub(line.toString(), ram.issuedSecrets());
    JournalEntry entry = new JournalEntry(seq, call.operation(), request.method(), request.rawPath(), accessKeyId,
        status, requestId, errorCode, rendering, received);
    synchronized (journal) {
      journal.add(entry);
    }
  }

  Journal journal() {
    synchronized (journal) {
      return new Journal(journal.stream().sorted((a, b) -> Long.compare(a.sequence(), b.sequence())).toList());
    }
  }

  void clearJournal() {
    synchronized (journal) {
      journal.clear();
    }
  }

  private static void pause(Duration duration) {
    if (duration.isZero()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
