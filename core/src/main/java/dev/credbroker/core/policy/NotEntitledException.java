package dev.credbroker.core.policy;

/**
 * A request policy refused. The message names only what the caller asked for, identically for an
 * alias that does not exist and one the caller may not use; the decision, with the real reason,
 * is for audit and operators.
 */
public final class NotEntitledException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Decision decision;

  public NotEntitledException(Decision decision) {
    this(decision, decision.target());
  }

  /**
   * Names {@code asked}, what the caller wrote, when the decision is about the alias it resolved
   * to: the answer must not reveal which alias a name belongs to.
   */
  public NotEntitledException(Decision decision, Target asked) {
    super("not entitled to " + asked, null, false, false);
    this.decision = decision;
  }

  public Decision decision() {
    return decision;
  }
}
