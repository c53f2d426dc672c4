package io.hybridcni.planner;

import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.UpdateStrategy;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.spec.NodeLabel;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The observed facts that fingerprints cover. A fact key names one fact ({@code ram.user/<name>},
 * {@code workload/<address>}, ...); {@link #read} gives its current value in an observed state, so the same key
 * can be read again at apply time and compared. Values never hold secrets: Secret values appear as their hashes.
 */
public final class Facts {

  private static final String ABSENT = "absent";

  private Facts() {}

  static String ramUser(String name) {
    return "ram.user/" + name;
  }

  static String ramPolicy(String name) {
    return "ram.policy/" + name;
  }

  /** The comments of the user, which say whether hybridcni created it. */
  static String ramUserComments(String name) {
    return "ram.user_comments/" + name;
  }

  /** How many principals the policy is attached to. */
  static String ramPolicyAttachmentCount(String name) {
    return "ram.policy_attachment_count/" + name;
  }

  /** Who holds the policy: the users, groups and roles it is attached to. */
  static String ramPolicyHolders(String name) {
    return "ram.policy_holders/" + name;
  }

  static String ramAttachments(String user) {
    return "ram.attachments/" + user;
  }

  static String ramAccessKeys(String user) {
    return "ram.access_keys/" + user;
  }

  static String secret(String namespace, String name) {
    return "secret/" + namespace + "/" + name;
  }

  static String workload(WorkloadRef ref) {
    return "workload/" + ref.kind() + "/" + (ref.namespace() == null ? "" : ref.namespace()) + "/" + ref.name();
  }

  static String nodesLabelled(String key, String value) {
    return "nodes.labelled/" + key + "=" + value;
  }

  static String nodesRunningCalico() {
    return "nodes.running/calico";
  }

  static String cluster(String id) {
    return "cluster/" + id;
  }

  static String addon(String name) {
    return "addon/" + name;
  }

  /**
   * What is wrong with {@code key} as a fact key, or {@code null} when it is one {@link #read} knows: one of the
   * families {@code ram.user/}, {@code ram.policy/}, {@code ram.user_comments/}, {@code ram.policy_attachment_count/},
   * {@code ram.policy_holders/}, {@code ram.attachments/}, {@code ram.access_keys/},
   * {@code secret/<namespace>/<name>}, {@code workload/<kind>/<namespace>/<name>},
   * {@code nodes.labelled/<key>=<value>}, {@code nodes.running/calico},
   * {@code cluster/} and {@code addon/}, each with its argument.
   */
  public static String problemWith(String key) {
    int slash = key.indexOf('/');
    String family = slash < 0 ? key : key.substring(0, slash);
    String arg = slash < 0 ? "" : key.substring(slash + 1);
    boolean ok = switch (family) {
      case "ram.user", "ram.policy", "ram.user_comments", "ram.policy_attachment_count", "ram.policy_holders",
          "ram.attachments",
          "ram.access_keys", "cluster", "addon" -> !arg.isEmpty();
      case "secret" -> {
        String[] parts = arg.split("/", -1);
        yield parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty();
      }
      case "workload" -> {
        String[] parts = arg.split("/", -1);
        yield parts.length == 3 && java.util.Arrays.stream(WorkloadRef.Kind.values())
            .anyMatch(k -> k.name().equals(parts[0])) && !parts[2].isEmpty();
      }
      case "nodes.labelled" -> arg.indexOf('=') > 0;
      case "nodes.running" -> arg.equals("calico");
      default -> false;
    };
    return ok ? null : "a fact key hybridcni knows (ram.user/<name>, ram.policy/<name>, ram.user_comments/<name>, "
        + "ram.policy_attachment_count/<name>, ram.policy_holders/<name>, ram.attachments/<user>, "
        + "ram.access_keys/<user>, secret/<namespace>/<name>, "
        + "workload/<DAEMON_SET|TIGERA_INSTALLATION>/<namespace>/<name>, "
        + "nodes.labelled/<key>=<value>, nodes.running/calico, cluster/<id>, addon/<name>), found \"" + key + "\"";
  }

  /** The current values of these fact keys in {@code state}. */
  public static SortedMap<String, String> read(Iterable<String> keys, ObservedState state) {
    SortedMap<String, String> result = new TreeMap<>();
    for (String key : keys) {
      result.put(key, read(key, state));
    }
    return result;
  }

  /**
   * {@link #read(Iterable, ObservedState)} with the state's nodes already read into {@code census} (or {@code null}):
   * the node-set facts of the cloud label and of Calico then scan its flags instead of every node's record.
   */
  static SortedMap<String, String> read(Iterable<String> keys, ObservedState state, NodeCensus census) {
    SortedMap<String, String> result = new TreeMap<>();
    for (String key : keys) {
      String value = census == null ? null : readNodes(key, census);
      result.put(key, value != null ? value : read(key, state));
    }
    return result;
  }

  /** The node-set fact {@code key} as the census tells it, or {@code null} when it is not one the census holds. */
  private static String readNodes(String key, NodeCensus census) {
    if (key.equals(nodesRunningCalico())) {
      return nodeNames(census, NodeCensus.CALICO);
    }
    NodeLabel cloud = census.cloudLabel();
    if (key.equals(nodesLabelled(cloud.key(), cloud.value()))) {
      return nodeNames(census, NodeCensus.LABELLED_CLOUD);
    }
    return null;
  }

  /** The current value of one fact key in {@code state}. */
  public static String read(String key, ObservedState state) {
    int slash = key.indexOf('/');
    String family = slash < 0 ? key : key.substring(0, slash);
    String arg = slash < 0 ? "" : key.substring(slash + 1);
    RamFacts ram = state.ram();
    switch (family) {
      case "ram.user":
        return ram.user() != null && ram.user().name().equals(arg) ? "present" : ABSENT;
      case "ram.policy":
        return policy(ram.policy(), arg);
      case "ram.user_comments":
        if (ram.user() == null || !ram.user().name().equals(arg)) {
          return ABSENT;
        }
        return ram.user().comments() == null ? "unknown" : "comments=" + ram.user().comments();
      case "ram.policy_attachment_count":
        if (ram.policy() == null || !ram.policy().name().equals(arg)) {
          return ABSENT;
        }
        return ram.policy().attachmentCount() == null ? "unknown" : String.valueOf(ram.policy().attachmentCount());
      case "ram.policy_holders":
        if (ram.policy() == null || !ram.policy().name().equals(arg)) {
          return ABSENT;
        }
        return ram.policy().holders() == null ? "unknown" : ram.policy().holders().stream()
            .map(h -> h.kind() + ":" + h.name()).collect(Collectors.joining(",", "[", "]"));
      // A user that does not exist has no attachments and no keys: creating the user changes neither fact.
      case "ram.attachments":
        if (ram.user() == null || !ram.user().name().equals(arg)) {
          return "[]";
        }
        return ram.attachedPolicies().stream().map(p -> p.type() + ":" + p.name()).sorted()
            .collect(Collectors.joining(",", "[", "]"));
      case "ram.access_keys":
        if (ram.user() == null || !ram.user().name().equals(arg)) {
          return "[]";
        }
        return ram.accessKeys().stream().map(k -> k.id() + ":" + k.status()).sorted()
            .collect(Collectors.joining(",", "[", "]"));
      case "secret":
        return secret(state.secret(), arg);
      case "workload":
        return workload(state, arg);
      case "nodes.labelled": {
        int eq = arg.indexOf('=');
        String labelKey = arg.substring(0, eq).intern(); // as a node's label keys are: see NodeLabels
        String labelValue = arg.substring(eq + 1);
        return nodeNames(state.nodes(), n -> n.hasLabel(labelKey, labelValue));
      }
      case "nodes.running":
        return nodeNames(state.nodes(), NodeInfo::runsCalico);
      case "cluster": {
        ClusterFacts c = state.cluster();
        return c == null || !c.clusterId().equals(arg) ? ABSENT : "type=" + c.clusterType() + ";state=" + c.state();
      }
      case "addon": {
        AddonInstance a = state.addon(arg);
        return a == null ? ABSENT : "version=" + a.version() + ";state=" + a.state();
      }
      default:
        throw new IllegalArgumentException("unknown fact key " + key);
    }
  }

  /**
   * A node-set fact names its nodes in full up to this many; beyond, it is {@code count=<n>;names.sha256=<hex>}.
   * A fact is compared, not read by people, so a digest keeps it exactly as strict: any node added, gone or renamed
   * changes the digest, and the count says by how much the set grew or shrank in the stale message. 100 names is a
   * few kilobytes; the 5,000 names of a large cluster were 80,000 characters in every plan and its fingerprint
   * hash. Every golden plan (at most a handful of nodes) keeps the full form.
   */
  static final int NODE_NAMES_IN_FULL_UP_TO = 100;

  /** Chars gathered before they are encoded and hashed: room for a few names of the longest kind (253). */
  private static final int BUFFER = 1024;

  /**
   * The sorted names of the nodes that pass, as {@code [a,b,c]}, or for more than {@value #NODE_NAMES_IN_FULL_UP_TO}
   * nodes, as {@code count=<n>;names.sha256=<hex>}: the SHA-256 of that same {@code [a,b,c]} text in UTF-8, fed
   * name by name so that the text of a large cluster is never built. Nodes come from the API server in name order,
   * so one pass does it: the first names are kept, and once there are more than would be listed the digest takes
   * them and every name after. Only names out of order (a snapshot written by hand) take a second pass that sorts.
   * Two passes with a count first were a quarter of a 5,000-node plan's time.
   */
  private static String nodeNames(List<NodeInfo> nodes, Predicate<NodeInfo> passes) {
    return nodeNames(nodes.size(), i -> nodes.get(i).name(), i -> passes.test(nodes.get(i)));
  }

  /**
   * {@link #nodeNames(List, Predicate)} of the census's nodes that have {@code flag}; when the census knows its names
   * in order, no name is compared with the one before.
   */
  private static String nodeNames(NodeCensus census, int flag) {
    if (!census.namesInOrder()) {
      return nodeNames(census.size(), census::name, i -> census.has(i, flag));
    }
    // The loop of the general case without its predicate, its name function and its order check: a call through
    // each per node was a fifth of this fact's time.
    NamesInOrder names = new NamesInOrder();
    for (int i = 0, size = census.size(); i < size; i++) {
      if (census.has(i, flag)) {
        names.add(census.name(i));
      }
    }
    return names.fact();
  }

  /** {@link #nodeNames(List, Predicate)} of the nodes {@code 0 .. size - 1}, by their names and which pass. */
  private static String nodeNames(int size, IntFunction<String> names, IntPredicate passes) {
    NamesInOrder fact = new NamesInOrder();
    String last = null;
    for (int i = 0; i < size; i++) {
      if (!passes.test(i)) {
        continue;
      }
      String name = names.apply(i);
      if (last != null && last.compareTo(name) > 0) {
        return sortedNodeNames(size, names, passes);
      }
      last = name;
      fact.add(name);
    }
    return fact.fact();
  }

  /** {@link #nodeNames} of nodes not in name order: every name that passes, sorted. */
  private static String sortedNodeNames(int size, IntFunction<String> all, IntPredicate passes) {
    String[] names = new String[size];
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (passes.test(i)) {
        names[count++] = all.apply(i);
      }
    }
    Arrays.sort(names, 0, count);
    NamesInOrder fact = new NamesInOrder();
    for (int i = 0; i < count; i++) {
      fact.add(names[i]);
    }
    return fact.fact();
  }

  /**
   * A node-set fact built from names added in name order: the first {@value #NODE_NAMES_IN_FULL_UP_TO} are kept, and
   * once there are more, the digest takes them and every name after, so that a large cluster's text is never built.
   */
  private static final class NamesInOrder {
    private final String[] kept = new String[NODE_NAMES_IN_FULL_UP_TO];
    private NameDigest digest;
    private int count;

    void add(String name) {
      if (count < kept.length) {
        kept[count] = name;
      } else {
        if (digest == null) {
          digest = new NameDigest();
          for (String k : kept) {
            digest.add(k);
          }
        }
        digest.add(name);
      }
      count++;
    }

    /** {@code [a,b,c]}, or {@code count=<n>;names.sha256=<hex>} beyond the names listed in full. */
    String fact() {
      return digest != null ? digest.fact() : listed(kept, count);
    }
  }

  /** The first {@code count} of {@code names}, sorted, as {@code [a,b,c]}. */
  private static String listed(String[] names, int count) {
    if (count == 0) {
      return "[]";
    }
    // The brackets go onto the first and last name, so that String.join builds the whole text in one allocation.
    String[] text = Arrays.copyOf(names, count);
    text[0] = "[" + text[0];
    text[count - 1] = text[count - 1] + "]";
    return String.join(",", text);
  }

  /**
   * The SHA-256 of the text {@code [a,b,c]} of the names added in order, in UTF-8 as {@link String#getBytes} writes
   * it, through small buffers: the text itself is never built. Names are gathered into a char buffer (a batch ends
   * only between names, so no surrogate pair is cut). A batch of ASCII chars, as node names are (DNS subdomains), is
   * its own UTF-8: it is narrowed to bytes as it stands. Only a batch with another char goes through a UTF-8 encoder,
   * made the first time one is needed: making one (its replacement's check builds a decoder) was a twentieth of a
   * large plan's time.
   */
  private static final class NameDigest {
    private final MessageDigest digest;
    private CharsetEncoder encoder;
    private final char[] chars = new char[BUFFER];
    // UTF-8 writes at most 3 bytes per char (a surrogate pair is 4 bytes for 2 chars).
    private final byte[] bytes = new byte[3 * BUFFER];
    private int at;
    private int count;

    NameDigest() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime provides SHA-256", e);
      }
      chars[at++] = '[';
    }

    void add(String name) {
      int length = name.length();
      // Room for the comma before it and the bracket after the last.
      if (at + length + 2 > BUFFER) {
        flush();
        if (length + 2 > BUFFER) {
          // Longer than a node name can be (253 characters): on its own, where no pair can be cut either.
          if (count++ > 0) {
            digest.update((byte) ',');
          }
          digest.update(name.getBytes(StandardCharsets.UTF_8));
          return;
        }
      }
      if (count++ > 0) {
        chars[at++] = ',';
      }
      name.getChars(0, length, chars, at);
      at += length;
    }

    private void flush() {
      int any = 0;
      for (int i = 0; i < at; i++) {
        char c = chars[i];
        any |= c;
        bytes[i] = (byte) c;
      }
      if (any < 0x80) {
        digest.update(bytes, 0, at);
      } else {
        if (encoder == null) {
          // As String.getBytes: malformed input (a lone surrogate) becomes '?'.
          encoder = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }
        ByteBuffer out = ByteBuffer.wrap(bytes);
        encoder.reset();
        encoder.encode(CharBuffer.wrap(chars, 0, at), out, true);
        encoder.flush(out);
        digest.update(bytes, 0, out.position());
      }
      at = 0;
    }

    /** {@code count=<n>;names.sha256=<hex>}. */
    String fact() {
      chars[at++] = ']';
      flush();
      return "count=" + count + ";names.sha256=" + HexFormat.of().formatHex(digest.digest());
    }
  }

  private static String policy(RamFacts.Policy policy, String name) {
    if (policy == null || !policy.name().equals(name)) {
      return ABSENT;
    }
    String versions = policy.versions().stream().map(RamFacts.PolicyVersion::versionId)
        .collect(Collectors.joining(",", "[", "]"));
    String document = policy.defaultDocument() == null ? "none" : ValueHash.of(policy.defaultDocument());
    return "default=" + policy.defaultVersion() + ";versions=" + versions + ";document=" + document;
  }

  private static String secret(SecretFacts secret, String arg) {
    if (secret == null || !secret.present() || !(secret.namespace() + "/" + secret.name()).equals(arg)) {
      return ABSENT;
    }
    String hashes = secret.valueHashes().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(",", "[", "]"));
    return "type=" + secret.type() + ";values=" + hashes + ";managed=" + secret.managedByHybridCni();
  }

  private static String workload(ObservedState state, String arg) {
    for (Workload w : Workloads.all(state)) {
      if (workload(w.ref()).equals("workload/" + arg)) {
        return placementFact(w.placement().nodeSelector(), w.placement().requiredTerms(), w.updateStrategy());
      }
    }
    var calico = state.cni().calico();
    if (calico != null && calico.installation() != null) {
      WorkloadRef ref = WorkloadRef.tigeraInstallation(calico.installation().name());
      if (workload(ref).equals("workload/" + arg)) {
        var placement = calico.installation().calicoNodePlacement();
        return placementFact(placement.nodeSelector(), placement.requiredTerms(),
            calico.installation().nodeUpdateStrategy());
      }
    }
    return ABSENT;
  }

  /**
   * What an action on a workload relies on: where its pods may run and how a template change replaces them. Not
   * its {@code resourceVersion}: a DaemonSet controller writes the status (and so a new resourceVersion) with every
   * pod that starts, becomes Ready or goes away (kubernetes {@code pkg/controller/daemon/daemon_controller.go},
   * {@code updateDaemonSetStatus}), so a plan saved minutes earlier would be refused on any live cluster. The
   * executors write with the resourceVersion they read themselves, so a concurrent write is still caught.
   */
  private static String placementFact(Map<String, String> nodeSelector, java.util.List<NodeSelectorTerm> terms,
      UpdateStrategy strategy) {
    return "nodeSelector=" + nodeSelector + ";terms=" + terms + ";updateStrategy=" + strategy;
  }

  /**
   * The fact keys an action carrying {@code detail} changes when it succeeds, as its resource unit declares them
   * (the keys a later action's fingerprint leaves out because this action writes them). Apply uses them to tell
   * whether a plan can change the cloud at all.
   */
  public static java.util.Set<String> writtenBy(ActionDetail detail) {
    return ResourceGraph.writes(java.util.Objects.requireNonNull(detail, "detail"));
  }

  /**
   * The parts of the observed state these fact keys are computed from: what apply reads again before an action
   * whose fingerprint holds them. A user's attachments and keys read as {@code []} when the user is absent, so they
   * need the user's record too; a policy's holders and attachment count come with its record.
   *
   * @throws IllegalArgumentException for a key {@link #problemWith} refuses
   */
  public static FactScope scope(Iterable<String> keys) {
    java.util.Set<String> users = new java.util.TreeSet<>();
    java.util.Set<String> attachments = new java.util.TreeSet<>();
    java.util.Set<String> accessKeys = new java.util.TreeSet<>();
    java.util.Set<String> policies = new java.util.TreeSet<>();
    java.util.Set<String> holders = new java.util.TreeSet<>();
    java.util.Set<String> clusters = new java.util.TreeSet<>();
    java.util.Set<String> addons = new java.util.TreeSet<>();
    java.util.Set<String> secrets = new java.util.TreeSet<>();
    java.util.Set<WorkloadRef> workloads = new java.util.LinkedHashSet<>();
    boolean nodes = false;
    boolean calicoPods = false;
    for (String key : keys) {
      String problem = problemWith(key);
      if (problem != null) {
        throw new IllegalArgumentException("expected " + problem);
      }
      int slash = key.indexOf('/');
      String family = key.substring(0, slash);
      String arg = key.substring(slash + 1);
      switch (family) {
        case "ram.user", "ram.user_comments" -> users.add(arg);
        case "ram.attachments" -> {
          users.add(arg);
          attachments.add(arg);
        }
        case "ram.access_keys" -> {
          users.add(arg);
          accessKeys.add(arg);
        }
        case "ram.policy", "ram.policy_attachment_count" -> policies.add(arg);
        case "ram.policy_holders" -> {
          policies.add(arg);
          holders.add(arg);
        }
        case "cluster" -> clusters.add(arg);
        case "addon" -> addons.add(arg);
        case "secret" -> secrets.add(arg);
        case "workload" -> {
          String[] parts = arg.split("/", -1);
          WorkloadRef.Kind kind = WorkloadRef.Kind.valueOf(parts[0]);
          workloads.add(kind == WorkloadRef.Kind.TIGERA_INSTALLATION ? WorkloadRef.tigeraInstallation(parts[2])
              : WorkloadRef.daemonSet(parts[1], parts[2]));
        }
        case "nodes.labelled" -> nodes = true;
        case "nodes.running" -> {
          nodes = true;
          calicoPods = true;
        }
        default -> throw new IllegalArgumentException("unknown fact key " + key);
      }
    }
    return new FactScope(users, attachments, accessKeys, policies, holders, clusters, addons, secrets, workloads,
        nodes, calicoPods);
  }
}
