package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the fabric8 mock server page lists as a real API server does. The CRUD dispatcher ignores {@code limit} and
 * {@code continue} and answers every object at once, so without this layer no paging client is ever tested.
 *
 * <p>What a real API server does, and so does this layer (the apiserver's
 * {@code staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go} {@code GetList}, and the API concepts doc,
 * "Retrieving large results sets in chunks", https://kubernetes.io/docs/reference/using-api/api-concepts/):
 * <ul>
 *   <li>A list with {@code limit=N} answers at most N items, in key order ({@code <namespace>/<name>}, or the name
 *   of a cluster-scoped object: etcd keys {@code /registry/<resource>/<namespace>/<name>} compared bytewise), and,
 *   when more remain, an opaque {@code metadata.continue} token.</li>
 *   <li>{@code continue=<token>} (with the same selectors) resumes after the last item of the previous page, from
 *   the same consistent snapshot: objects created or deleted meanwhile do not show up. The token is, like the real
 *   one ({@code storage.EncodeContinue} in {@code staging/src/k8s.io/apiserver/pkg/storage/continue.go}), base64 of
 *   {@code {"v":"meta.k8s.io/v1","rv":R,"start":"<last key>\u0000"}}; R here numbers the mock's snapshots where the
 *   real one is an etcd revision.</li>
 *   <li>{@code metadata.remainingItemCount} is set only when the list has no label or field selector (counting
 *   under a selector would cost the server the whole rest of the list, so the apiserver leaves it out).</li>
 *   <li>A token that does not decode is {@code 400 BadRequest} "invalid continue token"; a token whose snapshot is
 *   gone (etcd compacted its revision, about five minutes by default) is {@code 410 Gone} with reason
 *   {@code Expired} ({@code apierrors.NewResourceExpired}), and the client must list again from the start.</li>
 * </ul>
 * A snapshot is kept until its last page is served; at most {@value #SNAPSHOTS} listings are kept open at once,
 * the oldest is dropped beyond that, and {@link #expireContinueTokens()} drops them all (a compaction), so that a
 * test can make a token expire. Lists without {@code limit}, watches, and every other request go to the wrapped
 * dispatcher unchanged.
 */
public final class PagingDispatcher extends DelegatingDispatcher {

  /** Listings kept open at once; the oldest beyond this expires. */
  public static final int SNAPSHOTS = 8;

  static final String EXPIRED_MESSAGE = "The provided continue parameter is too old to display a consistent list "
      + "result. You can start a new list without the continue parameter.";

  // Items are read one by one off a single parser, so the tokens after each are not trailing garbage.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private final AtomicLong revisions = new AtomicLong();
  private final AtomicInteger pagesServed = new AtomicInteger();
  private final AtomicInteger expiredAnswers = new AtomicInteger();
  private final AtomicInteger compactions = new AtomicInteger();
  /** Open listings by snapshot number, oldest first. */
  private final LinkedHashMap<Long, Snapshot> open = new LinkedHashMap<>();

  private PagingDispatcher(Dispatcher delegate) {
    super(delegate);
  }

  /** {@code delegate} (usually a {@code KubernetesCrudDispatcher}) with its lists paged. */
  public static PagingDispatcher wrap(Dispatcher delegate) {
    return new PagingDispatcher(Objects.requireNonNull(delegate, "delegate"));
  }

  /** One listing's items, sorted by key, each kept as its JSON bytes. */
  private record Snapshot(long revision, String path, String apiVersion, String kind, String resourceVersion,
      List<String> keys, List<String> items) {}

  @Override
  protected MockResponse answer(RecordedRequest request) {
    if (!"GET".equals(request.getMethod())) {
      return delegate.dispatch(request);
    }
    String fullPath = request.getPath();
    int q = fullPath.indexOf('?');
    if (q < 0) {
      return delegate.dispatch(request);
    }
    Map<String, String> query = query(fullPath.substring(q + 1));
    String limitText = query.get("limit");
    String token = query.get("continue");
    if ("true".equals(query.get("watch")) || ((limitText == null || limitText.isEmpty())
        && (token == null || token.isEmpty()))) {
      return delegate.dispatch(request);
    }
    long limit = 0;
    if (limitText != null && !limitText.isEmpty()) {
      try {
        limit = Long.parseLong(limitText);
      } catch (NumberFormatException e) {
        return status(400, "BadRequest", "limit: Invalid value: \"" + limitText + "\": must be an integer");
      }
    }
    // The listing this request names, without its paging: the selectors stay, so a continue with other selectors
    // is a different listing (the real server checks the key prefix only, but its token carries no selector either
    // and a client must not change them; this mock refuses it as invalid rather than mixing two listings).
    String listing = fullPath.substring(0, q) + "?" + withoutPaging(fullPath.substring(q + 1));

    Snapshot snapshot;
    String start;
    if (token != null && !token.isEmpty()) {
      Token decoded;
      try {
        decoded = Token.decode(token);
      } catch (IllegalArgumentException e) {
        return status(400, "BadRequest", "invalid continue token: " + e.getMessage());
      }
      if (compactions.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        expireContinueTokens();
      }
      synchronized (open) {
        snapshot = open.get(decoded.revision());
      }
      if (snapshot == null) {
        expiredAnswers.incrementAndGet();
        return status(410, "Expired", EXPIRED_MESSAGE);
      }
      if (!snapshot.path().equals(listing)) {
        return status(400, "BadRequest", "invalid continue token: it continues " + snapshot.path() + ", not "
            + listing);
      }
      start = decoded.start();
    } else {
      String plain = listing.endsWith("?") ? listing.substring(0, listing.length() - 1) : listing;
      snapshot = delegate instanceof KubernetesCrudDispatcher crud
          ? snapshotFromStore(revisions.incrementAndGet(), listing, plain, crud, request) : null;
      if (snapshot != null) {
        return page(request, snapshot, "", limit);
      }
      MockResponse whole = delegate.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(),
          listing.endsWith("?") ? listing.substring(0, listing.length() - 1) : listing, request.getHeaders(),
          request.getBody()));
      if (whole == null || whole.code() != 200 || whole.getBody() == null) {
        return whole;
      }
      snapshot = snapshot(revisions.incrementAndGet(), listing, whole.getBody());
      if (snapshot == null) {
        return whole; // not a list
      }
      start = "";
    }
    return page(request, snapshot, start, limit);
  }

  private MockResponse page(RecordedRequest request, Snapshot snapshot, String start, long limit) {
    int from = firstAtOrAfter(snapshot.keys(), start);
    int total = snapshot.keys().size();
    int to = limit <= 0 ? total : (int) Math.min(total, from + limit);
    boolean more = to < total;
    synchronized (open) {
      if (more) {
        if (open.putIfAbsent(snapshot.revision(), snapshot) == null) {
          while (open.size() > SNAPSHOTS) {
            open.remove(open.keySet().iterator().next());
          }
        }
      } else {
        open.remove(snapshot.revision());
      }
    }
    pagesServed.incrementAndGet();
    boolean selectors = request.getPath().contains("labelSelector=") || request.getPath().contains("fieldSelector=");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringProperty("apiVersion", snapshot.apiVersion());
      g.writeStringProperty("kind", snapshot.kind());
      g.writeObjectPropertyStart("metadata");
      if (snapshot.resourceVersion() != null) {
        g.writeStringProperty("resourceVersion", snapshot.resourceVersion());
      }
      if (more) {
        String last = snapshot.keys().get(to - 1);
        g.writeStringProperty("continue", new Token(snapshot.revision(), last + "\u0000").encode());
        if (!selectors) {
          g.writeNumberProperty("remainingItemCount", total - to);
        }
      }
      g.writeEndObject();
      g.writeArrayPropertyStart("items");
      for (int i = from; i < to; i++) {
        g.writeRawValue(snapshot.items().get(i));
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
        .setBody(out.toByteArray());
  }

  /** The index of the first key at or after {@code start} (keys are sorted). */
  private static int firstAtOrAfter(List<String> keys, String start) {
    int lo = 0;
    int hi = keys.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (keys.get(mid).compareTo(start) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The list answer as a sorted snapshot, read item by item; {@code null} when the answer is not a list. */
  private static Snapshot snapshot(long revision, String listing, Buffer body) {
    String apiVersion = null;
    String kind = null;
    String resourceVersion = null;
    List<Map.Entry<String, String>> items = null;
    try (InputStream in = body.inputStream(); JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "apiVersion" -> apiVersion = p.getValueAsString();
          case "kind" -> kind = p.getValueAsString();
          case "metadata" -> {
            JsonNode metadata = JSON.readTree(p);
            resourceVersion = metadata.hasNonNull("resourceVersion") ? metadata.get("resourceVersion").asString()
                : null;
          }
          case "items" -> {
            if (value != JsonToken.START_ARRAY) {
              return null;
            }
            items = new ArrayList<>();
            while (p.nextToken() == JsonToken.START_OBJECT) {
              JsonNode item = JSON.readTree(p);
              items.add(Map.entry(key(item), JSON.writeValueAsString(item)));
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException | JacksonException e) {
      return null;
    }
    if (items == null || kind == null || !kind.endsWith("List")) {
      return null;
    }
    return sorted(revision, listing, apiVersion, kind, resourceVersion, items);
  }

  private static Snapshot sorted(long revision, String listing, String apiVersion, String kind,
      String resourceVersion, List<Map.Entry<String, String>> items) {
    // Keys are ASCII (DNS names), so String order is etcd's byte order.
    items.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    List<String> keys = new ArrayList<>(items.size());
    List<String> json = new ArrayList<>(items.size());
    for (Map.Entry<String, String> e : items) {
      keys.add(e.getKey());
      json.add(e.getValue());
    }
    return new Snapshot(revision, listing, apiVersion, kind, resourceVersion, keys, json);
  }

  /**
   * The listing read straight from a CRUD store's map, with the store's own matching of path and selectors (what
   * its list answer is built from), without composing and re-reading the whole list: at 50,000 pods that took the
   * mock's single event loop longer than a client waits. {@code null} when the path names one object.
   */
  private static Snapshot snapshotFromStore(long revision, String listing, String path,
      KubernetesCrudDispatcher crud, RecordedRequest request) {
    AttributeSet query = crud.getAttributeExtractor().fromPath(path);
    if (query.containsKey("name")) {
      return null;
    }
    List<Map.Entry<String, String>> items = new ArrayList<>();
    Map<AttributeSet, String> map = crud.getMap();
    synchronized (map) { // a synchronized map: iterating it needs its lock
      for (Map.Entry<AttributeSet, String> e : map.entrySet()) {
        if (e.getKey().matches(query)) {
          items.add(Map.entry(storedKey(e.getValue()), e.getValue()));
        }
      }
    }
    // As the CRUD store answers a list: apiVersion v1, kind List (a real server names the kind, e.g. NodeList).
    return sorted(revision, listing, "v1", "List", storeResourceVersion(crud, path, request), items);
  }

  /**
   * The store's current resourceVersion, which a real API server puts in every list's {@code metadata} (ListMeta;
   * etcd3 {@code store.go} {@code GetList} answers the revision it read at): an informer lists, then watches from
   * that version, and fabric8's Reflector without one watches from nothing and never reports itself watching an
   * empty namespace. The CRUD dispatcher answers its current counter on a list (KubernetesResponseComposer), so a
   * list matching no object gives it without serialising the store and without bumping it.
   */
  private static String storeResourceVersion(KubernetesCrudDispatcher crud, String path, RecordedRequest request) {
    // The probe's own selector replaces the list's query: appended to a query it made a second '?', which the CRUD
    // store read as part of the list's selector, ignored with a warning, and answered with every object it holds.
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    MockResponse none = crud.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(),
        bare + "?labelSelector=hybridcni.io%2Fpaging-probe%3Dnone", request.getHeaders(), request.getBody()));
    if (none == null || none.code() != 200 || none.getBody() == null) {
      return null;
    }
    Snapshot empty = snapshot(0, path, none.getBody());
    return empty == null ? null : empty.resourceVersion();
  }

  /** namespace/name of a stored object, read off its metadata without building a tree. */
  private static String storedKey(String json) {
    String name = "";
    String namespace = "";
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (!"metadata".equals(field)) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String key = p.currentName();
          p.nextToken();
          if ("name".equals(key)) {
            name = p.getValueAsString();
          } else if ("namespace".equals(key)) {
            namespace = p.getValueAsString();
          } else {
            p.skipChildren();
          }
        }
        break;
      }
    }
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  private static String key(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    String name = metadata.path("name").isString() ? metadata.path("name").asString() : "";
    String namespace = metadata.path("namespace").isString() ? metadata.path("namespace").asString() : "";
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      values.put(key, value);
    }
    return values;
  }

  private static String withoutPaging(String raw) {
    List<String> kept = new ArrayList<>();
    for (String pair : raw.split("&")) {
      String key = pair.indexOf('=') < 0 ? pair : pair.substring(0, pair.indexOf('='));
      if (!pair.isEmpty() && !key.equals("limit") && !key.equals("continue")) {
        kept.add(pair);
      }
    }
    return String.join("&", kept);
  }

  private static MockResponse status(int code, String reason, String message) {
    var status = JSON.createObjectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(status.toString());
  }

  /** A continue token: the snapshot's number and the key to resume at. */
  record Token(long revision, String start) {

    String encode() {
      var node = JSON.createObjectNode();
      node.put("v", "meta.k8s.io/v1");
      node.put("rv", revision);
      node.put("start", start);
      return Base64.getUrlEncoder().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Token decode(String token) {
      JsonNode node;
      try {
        node = JSON.readTree(Base64.getUrlDecoder().decode(token));
      } catch (IllegalArgumentException | JacksonException e) {
        throw new IllegalArgumentException("not base64-encoded JSON");
      }
      if (node == null || !"meta.k8s.io/v1".equals(node.path("v").isString() ? node.path("v").asString() : null)) {
        throw new IllegalArgumentException("continue key is not valid: incorrect encoded start resourceVersion "
            + "(version meta.k8s.io/v1)");
      }
      if (!node.path("rv").canConvertToLong() || node.path("rv").asLong() <= 0 || !node.path("start").isString()) {
        throw new IllegalArgumentException("continue key is not valid");
      }
      return new Token(node.path("rv").asLong(), node.path("start").asString());
    }
  }

  /**
   * Creates an object straight in the wrapped store, as a POST of {@code json} to {@code collectionPath} (e.g.
   * {@code /api/v1/nodes}) would, without HTTP: seeding thousands of objects through a client takes minutes on a
   * busy machine.
   *
   * @throws IllegalStateException when the store refuses the object
   */
  public void createDirectly(String collectionPath, String json) {
    MockResponse response = delegate.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST, collectionPath,
        Headers.builder().add("Content-Type", "application/json").build(),
        new Buffer(json.getBytes(StandardCharsets.UTF_8))));
    if (response == null || response.code() >= 300) {
      throw new IllegalStateException("POST " + collectionPath + " answered "
          + (response == null ? "nothing" : response.code()));
    }
  }

  /** How many paged answers this layer has served (every page of every listing). */
  public int pagesServed() {
    return pagesServed.get();
  }

  /** How many continue tokens were answered 410 Expired. */
  public int expiredAnswers() {
    return expiredAnswers.get();
  }

  /** Drops every open listing, as an etcd compaction would: every continue token issued so far answers 410. */
  public void expireContinueTokens() {
    synchronized (open) {
      open.clear();
    }
  }

  /**
   * Drops every open listing just before each of the next {@code times} continue requests arrives, as an etcd
   * compaction in the middle of a paged listing would: those requests answer 410 Expired.
   */
  public void compactBeforeNextContinues(int times) {
    compactions.set(times);
  }

  /** Resets the wrapped dispatcher (the CRUD store) and forgets every open listing. */
  @Override
  public void reset() {
    expireContinueTokens();
    super.reset();
  }
}
