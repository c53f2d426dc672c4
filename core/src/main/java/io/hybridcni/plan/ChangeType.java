package io.hybridcni.plan;

/** How an action changes its target, with the symbol the text renderer shows. */
public enum ChangeType {
  CREATE("+", "will be created"),
  UPDATE("~", "will be updated in place"),
  DELETE("-", "will be destroyed"),
  WAIT("<=", "will be waited for");

  private final String symbol;
  private final String phrase;

  ChangeType(String symbol, String phrase) {
    this.symbol = symbol;
    this.phrase = phrase;
  }

  public String symbol() {
    return symbol;
  }

  public String phrase() {
    return phrase;
  }
}
