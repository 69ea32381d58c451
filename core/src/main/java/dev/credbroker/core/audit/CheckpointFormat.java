package dev.credbroker.core.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * What a signed checkpoint says and what its signature covers: the broker's id, the sequence
 * number and hash of the record before it, and its time, under a domain string of its own so the
 * key signs nothing else by accident. {@link AuditVerifier} checks what the server's writer
 * wrote; when to write one is the writer's business.
 */
public final class CheckpointFormat {
  static final String DOMAIN = "credbroker-audit-checkpoint-v1";
  /** The interval assumed for a log whose checkpoints do not say theirs. */
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private CheckpointFormat() {}

  /**
   * A checkpoint record's body sealing the head {@code (headSeq, headHash)}, signed by
   * {@code signer}. Public for the server's audit writer, which decides when one is due.
   */
  public static byte[] signedBody(AuditSigner signer, String brokerId, Instant now, long headSeq,
      String headHash, Duration interval) {
    String signature = signer.sign(message(brokerId, headSeq, headHash, now.toString()));
    return AuditJson.checkpoint(now, brokerId, signer.keyId(), headSeq, headHash, interval,
        signature);
  }

  static byte[] message(String brokerId, long headSeq, String headHash, String time) {
    return (DOMAIN + "\n" + brokerId + "\n" + headSeq + "\n" + headHash + "\n" + time)
        .getBytes(StandardCharsets.UTF_8);
  }
}
