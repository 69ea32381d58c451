package dev.credbroker.server.policy;

/**
 * A request policy refused. The message names only what the caller asked for, identically for an
 * alias that does not exist and one the caller may not use; the decision, with the real reason,
 * is for audit and operators.
 */
public final class NotEntitledException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Decision decision;

  public NotEntitledException(Decision decision) {
    super("not entitled to " + decision.target(), null, false, false);
    this.decision = decision;
  }

  public Decision decision() {
    return decision;
  }
}
