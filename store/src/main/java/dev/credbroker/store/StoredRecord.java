package dev.credbroker.store;

import dev.credbroker.core.audit.AuditChain;
import dev.credbroker.core.audit.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * One chain record as the store keeps it: the line exactly as the broker wrote it (so its hash
 * can be checked again from the store alone) and the fields searches filter on, taken from it.
 */
public record StoredRecord(long seq, Instant time, String type, String prev, String hash,
    String line, AuditEntry entry) {

  static final String CHECKPOINT = "checkpoint";

  /**
   * A complete line (without its newline) read from a local trail; empty when its hash does not
   * match its bytes or it is not a chain record.
   */
  public static Optional<StoredRecord> of(byte[] line) {
    Optional<String> hash = AuditChain.check(line);
    Optional<AuditEntry> entry = AuditEntry.parse(line);
    if (hash.isEmpty() || entry.isEmpty() || entry.get().seq() < 1) {
      return Optional.empty();
    }
    AuditEntry e = entry.get();
    return Optional.of(new StoredRecord(e.seq(), e.time(), e.field("type"), e.field("prev"),
        hash.get(), new String(line, StandardCharsets.UTF_8), e));
  }

  public boolean isCheckpoint() {
    return CHECKPOINT.equals(type);
  }
}
