package dev.credbroker.server.audit;

import java.util.List;

/** Tells a batch's callers how it went; with fail_closed off a failure is not theirs to see. */
final class Answers {
  private Answers() {}

  static void settle(List<Pending> batch, Exception failure, boolean failClosed) {
    Exception seen = failure == null || !failClosed ? null
        : failure instanceof AuditUnavailableException unavailable ? unavailable
        : new AuditUnavailableException("the audit log cannot be written");
    for (Pending p : batch) {
      p.answer(seen);
    }
  }

  static List<byte[]> bodies(List<Pending> batch) {
    return batch.stream().map(p -> p.body).toList();
  }
}
