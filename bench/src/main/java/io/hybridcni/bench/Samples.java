package io.hybridcni.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated measurements of one quantity, summarized by order statistics (robust on a noisy machine). */
final class Samples {

  private final List<Double> values = new ArrayList<>();

  void add(double value) {
    values.add(value);
  }

  int size() {
    return values.size();
  }

  double median() {
    return percentile(50);
  }

  double p90() {
    return percentile(90);
  }

  double min() {
    return sorted().get(0);
  }

  double max() {
    return sorted().get(values.size() - 1);
  }

  double mean() {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** The nearest-rank percentile. */
  double percentile(double p) {
    if (values.isEmpty()) {
      throw new IllegalStateException("no samples");
    }
    List<Double> sorted = sorted();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private List<Double> sorted() {
    List<Double> copy = new ArrayList<>(values);
    Collections.sort(copy);
    return copy;
  }
}
