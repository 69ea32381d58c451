package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditEvent;
import java.util.concurrent.CompletableFuture;

/**
 * Where decisions are recorded before their answers leave. The future completes once the record
 * is written as durably as configured; it fails with {@link AuditUnavailableException} when the
 * record could not be written, and the caller must then refuse the request (fail closed).
 */
public interface AuditLog extends AutoCloseable {

  CompletableFuture<Void> append(AuditEvent event);

  /** Writes what is queued, then releases the sink. */
  @Override
  void close();
}
