package dev.credbroker.server.testing;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.server.audit.AuditLog;
import dev.credbroker.server.audit.AuditUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An audit log that keeps records in memory, for tests about what services record; it can be made
 * to fail like an unwritable log. The file format and chain have their own tests over real files.
 */
public final class RecordingAuditLog implements AuditLog {
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  @Override
  public CompletableFuture<Void> append(AuditEvent event) {
    if (failing) {
      return CompletableFuture.failedFuture(new AuditUnavailableException("test: log unwritable"));
    }
    events.add(event);
    return CompletableFuture.completedFuture(null);
  }

  public List<AuditEvent> events() {
    return List.copyOf(events);
  }

  public void failing(boolean fail) {
    failing = fail;
  }

  @Override
  public void close() {}
}
