package io.hybridcni.observe;

import java.util.Map;

/**
 * Which record each {@link CniPart} key of a snapshot holds ({@code flannel} to {@link FlannelFacts}, ...), in the
 * order snapshots write them. The CNI registry ({@code detect.CniDetectors}) knows this and depends on this
 * package, so it is found through {@link java.util.ServiceLoader}, which keeps the package graph free of cycles: a
 * new CNI adds no line here.
 */
public interface CniPartTypes {

  /** Every key and the record read under it, in the order they are written. */
  Map<String, Class<? extends CniPart>> types();
}
