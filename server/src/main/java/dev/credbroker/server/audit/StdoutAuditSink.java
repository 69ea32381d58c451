package dev.credbroker.server.audit;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Records on standard output for a container's log collector (the broker's own log goes to
 * stderr). Each process starts a new chain; written bytes cannot be taken back, so a failed batch
 * may leave a partial line that the collector sees and {@code audit verify} reports.
 */
final class StdoutAuditSink implements AuditSink {
  private final OutputStream out;

  StdoutAuditSink() {
    this(new FileOutputStream(FileDescriptor.out));
  }

  StdoutAuditSink(OutputStream out) {
    this.out = out;
  }

  @Override
  public ChainHead open(Instant now) {
    return ChainHead.START;
  }

  @Override
  public void write(ByteBuffer lines) throws IOException {
    out.write(lines.array(), lines.arrayOffset() + lines.position(), lines.remaining());
    lines.position(lines.limit());
  }

  @Override
  public void sync() throws IOException {
    out.flush();
  }

  @Override
  public void commit() {}

  @Override
  public void rollback() {}

  @Override
  public boolean rotationDue(Instant now) {
    return false;
  }

  @Override
  public void rotate(Instant now, long lastSeq) {}

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
