package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.CheckpointFormat;
import java.time.Duration;
import java.time.Instant;

/**
 * When the writer seals the chain with a signed checkpoint (at start over a resumed head, at
 * least every interval while records flow, before a rotation, at shutdown); what a checkpoint
 * signs is {@link CheckpointFormat}'s. Owned by whoever owns the chain state; not thread-safe.
 */
final class Checkpoints {
  private final AuditSigner signer;
  private final String brokerId;
  private final Duration interval;
  private final String summary;
  private Instant lastAt;
  private long lastSeq;

  Checkpoints(AuditSigner signer, String brokerId, Duration interval, Instant start, long headSeq,
      String summary) {
    this.summary = summary;
    this.signer = signer;
    this.brokerId = brokerId;
    this.interval = interval;
    this.lastAt = start;
    this.lastSeq = headSeq;
  }

  /** One line for the operator: which key signs, where its public half is. */
  String summary() {
    return summary;
  }

  /** Whether records were written since the last checkpoint and it is older than the interval. */
  boolean due(Instant now, long headSeq) {
    return headSeq > lastSeq && !now.isBefore(lastAt.plus(interval));
  }

  /** Whether records were written since the last checkpoint. */
  boolean unsealed(long headSeq) {
    return headSeq > lastSeq;
  }

  /** A checkpoint record's body sealing the head {@code (headSeq, headHash)}, signed. */
  byte[] body(Instant now, long headSeq, String headHash) {
    return CheckpointFormat.signedBody(signer, brokerId, now, headSeq, headHash, interval);
  }

  /** The checkpoint at {@code seq} was written. */
  void written(Instant now, long seq) {
    lastAt = now;
    lastSeq = seq;
  }
}
