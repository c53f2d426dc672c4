package io.hybridcni.planner;

import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeMatcher;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.Placement;
import io.hybridcni.spec.NodeLabel;
import java.util.ArrayList;
import java.util.List;

/**
 * The node affinity change that keeps a workload off nodes labelled {@code key=value}. Terms are ORed, so the
 * exclusion {@code key NotIn [value]} goes into every non-empty term; a new term of its own would widen
 * scheduling. An empty term matches nothing and stays as it is. With no terms at all, one term holding only the
 * exclusion is created. A term that already excludes the label ({@code NotIn} containing the value, or
 * {@code DoesNotExist}) is left alone.
 *
 * <p>{@link #remove} undoes it for {@code destroy}: only the exact requirement {@code key NotIn [value]} is taken
 * out of each term, a term left with nothing is dropped, and no term at all means no required node affinity.
 */
public final class CniExclusion {

  private CniExclusion() {}

  /** The terms after the exclusion; equal to {@code terms} when nothing needs to change. */
  public static List<NodeSelectorTerm> exclude(List<NodeSelectorTerm> terms, NodeLabel label) {
    NodeSelectorRequirement exclusion = exclusion(label);
    if (terms.isEmpty()) {
      return List.of(NodeSelectorTerm.of(exclusion));
    }
    List<NodeSelectorTerm> result = new ArrayList<>(terms.size());
    for (NodeSelectorTerm term : terms) {
      if (term.isEmpty() || term.excludes(label.key(), label.value())) {
        result.add(term);
      } else {
        result.add(term.withExpression(exclusion));
      }
    }
    return List.copyOf(result);
  }

  /**
   * The exclusion planned again against a placement read after a conflict: the new terms, and the reasons it is
   * unsafe (empty when safe). It is unsafe when a node that looks on-premises (no ECS provider id) runs Calico
   * now and the new placement would take Calico off it.
   */
  public record Replanned(List<NodeSelectorTerm> before, List<NodeSelectorTerm> after, List<String> unsafeReasons) {
    public Replanned {
      before = List.copyOf(before);
      after = List.copyOf(after);
      unsafeReasons = List.copyOf(unsafeReasons);
    }

    public boolean unchanged() {
      return before.equals(after);
    }
  }

  /** Re-plans the exclusion for {@code current} (re-read after a 409) and checks it against {@code nodes}. */
  public static Replanned replan(Placement current, NodeLabel label, List<NodeInfo> nodes) {
    List<NodeSelectorTerm> after = exclude(current.requiredTerms(), label);
    NodeMatcher next = current.withRequiredTerms(after).matcher();
    NodeClassifier classifier = new NodeClassifier(label);
    List<String> unsafe = new ArrayList<>();
    for (NodeInfo node : nodes) {
      if (node.runsCalico() && !next.allows(node) && !classifier.cloud(node)) {
        unsafe.add("Calico would leave " + classifier.describe(node));
      }
    }
    return new Replanned(current.requiredTerms(), after, unsafe);
  }

  /**
   * Whether the exclusion planned again for {@code current} would not allow some node of {@code nodes} that is not a
   * cloud instance: only such a node makes where Calico runs matter to {@link #replan}'s safety check (Calico leaving
   * it is what that check refuses), so with none, the check needs no reading of calico-node's pods.
   */
  public static boolean excludesNodeNotInCloud(Placement current, NodeLabel label, List<NodeInfo> nodes) {
    NodeMatcher next = current.withRequiredTerms(exclude(current.requiredTerms(), label)).matcher();
    NodeClassifier classifier = new NodeClassifier(label);
    for (NodeInfo node : nodes) {
      if (!next.allows(node) && !classifier.cloud(node)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The terms without the exclusion: every requirement equal to {@code key NotIn [value]} (exactly that value, and
   * nothing else) is taken out of each term's {@code matchExpressions}; a term that held nothing else is dropped;
   * every other term and requirement stays as it is. Equal to {@code terms} when no term holds the exclusion.
   */
  public static List<NodeSelectorTerm> remove(List<NodeSelectorTerm> terms, NodeLabel label) {
    NodeSelectorRequirement exclusion = exclusion(label);
    List<NodeSelectorTerm> result = new ArrayList<>(terms.size());
    for (NodeSelectorTerm term : terms) {
      if (!term.matchExpressions().contains(exclusion)) {
        result.add(term);
        continue;
      }
      NodeSelectorTerm without = new NodeSelectorTerm(
          term.matchExpressions().stream().filter(r -> !r.equals(exclusion)).toList(), term.matchFields());
      if (!without.isEmpty()) {
        result.add(without);
      }
    }
    return List.copyOf(result);
  }

  /** The requirement hybridcni adds: {@code key NotIn [value]}. */
  public static NodeSelectorRequirement exclusion(NodeLabel label) {
    return NodeSelectorRequirement.of(label.key(), NodeSelectorRequirement.NOT_IN, label.value());
  }

  /**
   * The nodes the new placement would no longer allow, each described. Removing the exclusion only widens
   * scheduling, except where a term held nothing but the exclusion beside other terms: that term matched every
   * node without the label, and dropping it narrows. Such a removal is unsafe.
   */
  public static List<String> narrowedBy(Placement before, Placement after, List<NodeInfo> nodes, NodeLabel label) {
    NodeClassifier classifier = new NodeClassifier(label);
    NodeMatcher was = before.matcher();
    NodeMatcher now = after.matcher();
    List<String> lost = new ArrayList<>();
    for (NodeInfo node : nodes) {
      if (was.allows(node) && !now.allows(node)) {
        lost.add((node.runsCalico() ? "Calico would leave " : "Calico could no longer schedule onto ")
            + classifier.describe(node));
      }
    }
    return lost;
  }

  /**
   * The removal planned again against a placement read after a conflict, with the reasons it is unsafe (empty
   * when safe), checked against {@code nodes} as they are now.
   */
  public static Replanned replanRemoval(Placement current, NodeLabel label, List<NodeInfo> nodes) {
    List<NodeSelectorTerm> after = remove(current.requiredTerms(), label);
    return new Replanned(current.requiredTerms(), after,
        narrowedBy(current, current.withRequiredTerms(after), nodes, label));
  }
}
