package dev.credbroker.core.policy;

import java.util.function.Supplier;

/**
 * Whether a condition held, and why in words. The words are built only when read (explanations,
 * traces), so the decision itself allocates no text.
 */
final class Outcome {
  private final boolean holds;
  private final Supplier<String> why;

  private Outcome(boolean holds, Supplier<String> why) {
    this.holds = holds;
    this.why = why;
  }

  static Outcome of(boolean holds, Supplier<String> why) {
    return new Outcome(holds, why);
  }

  static Outcome of(boolean holds, Supplier<String> whenTrue, Supplier<String> whenFalse) {
    return new Outcome(holds, holds ? whenTrue : whenFalse);
  }

  boolean holds() {
    return holds;
  }

  String why() {
    return why.get();
  }
}
