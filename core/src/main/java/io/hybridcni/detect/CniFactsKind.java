package io.hybridcni.detect;

import io.hybridcni.observe.CniPart;
import java.util.Objects;
import java.util.function.Function;

/**
 * One kind of CNI facts other than Calico's: its key in {@link io.hybridcni.observe.CniFacts} and in snapshots, the
 * record it is, and how it is built from the objects read (pure: whatever it needs it asks {@link ObservedObjects}
 * for). Detectors that read the same facts (Flannel and Canal) share one kind.
 */
public record CniFactsKind<T extends CniPart>(String key, Class<T> type, Function<ObservedObjects, T> reader) {

  public CniFactsKind {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reader, "reader");
  }

  /** This CNI's facts, or {@code null} when it left no trace among {@code objects}. */
  public T read(ObservedObjects objects) {
    return reader.apply(objects);
  }
}
