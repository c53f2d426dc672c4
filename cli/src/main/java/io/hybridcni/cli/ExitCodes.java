package io.hybridcni.cli;

/** The exit codes of {@code hybridcni}: Terraform's {@code -detailed-exitcode} contract. */
final class ExitCodes {

  static final int OK = 0;
  static final int ERROR = 1;
  static final int CHANGES = 2;

  private ExitCodes() {}
}
