package dev.credbroker.server.audit;

import java.io.IOException;
import java.time.Instant;

/** A sink that passes everything to another; tests override a method to watch or delay it. */
class ForwardingSink implements AuditSink {
  private final AuditSink next;

  ForwardingSink(AuditSink next) {
    this.next = next;
  }

  @Override
  public ChainHead open(Instant now) throws IOException {
    return next.open(now);
  }

  @Override
  public void write(java.nio.ByteBuffer lines) throws IOException {
    next.write(lines);
  }

  @Override
  public void sync() throws IOException {
    next.sync();
  }

  @Override
  public void commit() {
    next.commit();
  }

  @Override
  public void rollback() throws IOException {
    next.rollback();
  }

  @Override
  public boolean rotationDue(Instant now) {
    return next.rotationDue(now);
  }

  @Override
  public void rotate(Instant now, long lastSeq) throws IOException {
    next.rotate(now, lastSeq);
  }

  @Override
  public void close() throws IOException {
    next.close();
  }
}
