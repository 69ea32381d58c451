package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditChain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Where the writer's bytes go. One caller at a time (the writer thread, or whoever holds the
 * writer's lock) calls it, one batch at a time: write, sync,
 * then {@link #commit()}; after a failed write {@link #rollback()} drops the partial batch so the
 * chain on disk stays whole.
 */
interface AuditSink extends AutoCloseable {

  /** Opens the sink and returns where the chain continues (the last record already written). */
  ChainHead open(Instant now) throws IOException;

  /** Writes all of {@code lines} (whole records), or throws. */
  void write(ByteBuffer lines) throws IOException;

  void sync() throws IOException;

  void commit();

  void rollback() throws IOException;

  /** Whether the sink resumed into an empty file after a rotation, which owes a segment_start. */
  default boolean startsSegment() {
    return false;
  }

  /** Whether the current segment should be sealed and a new one started. */
  boolean rotationDue(Instant now);

  /** Moves the sealed segment (whose last record is {@code lastSeq}) aside; starts an empty one. */
  void rotate(Instant now, long lastSeq) throws IOException;

  @Override
  void close() throws IOException;

  /** The last record's sequence number and hash; {@code (0, GENESIS)} for a new log. */
  record ChainHead(long seq, String hash) {
    static final ChainHead START = new ChainHead(0, AuditChain.GENESIS);
  }
}
