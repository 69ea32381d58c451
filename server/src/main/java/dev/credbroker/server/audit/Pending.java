package dev.credbroker.server.audit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A record encoded by its caller ({@link AuditJson#decision}), waiting for its place in the chain,
 * and how to tell its caller: on the caller's own network thread ({@code owner}), so an answer
 * leaves from the thread that owns the call even when another thread wrote the record.
 */
final class Pending {
  final byte[] body;
  final CompletableFuture<Void> written = new CompletableFuture<>();
  private final Thread ownerThread;
  private final Executor owner;

  /** {@code owner} runs work on this thread's event loop; null when it has none. */
  Pending(byte[] body, Executor owner) {
    this.body = body;
    this.owner = owner;
    this.ownerThread = Thread.currentThread();
  }

  /** A marker the writer thread recognises by identity, never written. */
  static Pending marker() {
    return new Pending(null, null);
  }

  /** Completes the caller's future, on its own thread when it has an event loop to run it. */
  void answer(Exception failure) {
    Runnable complete = failure == null ? () -> written.complete(null)
        : () -> written.completeExceptionally(failure);
    if (owner == null || Thread.currentThread() == ownerThread) {
      complete.run();
      return;
    }
    try {
      owner.execute(complete);
    } catch (RejectedExecutionException e) {
      complete.run(); // the loop is shutting down: answer from here rather than never
    }
  }
}
