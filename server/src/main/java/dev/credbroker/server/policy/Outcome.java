package dev.credbroker.server.policy;

/** Whether a condition held, and why in words (for explanations and audit). */
record Outcome(boolean holds, String why) {

  static Outcome of(boolean holds, String whenTrue, String whenFalse) {
    return new Outcome(holds, holds ? whenTrue : whenFalse);
  }
}
