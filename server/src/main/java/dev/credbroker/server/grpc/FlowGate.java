package dev.credbroker.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * Lets a producer thread send a server stream only as fast as the caller reads it, and stop when
 * the caller goes away. Handlers must be installed before the service method returns, so the gate
 * is built first thing in the call.
 */
final class FlowGate {
  private final ServerCallStreamObserver<?> observer;
  private volatile boolean cancelled;

  FlowGate(ServerCallStreamObserver<?> observer) {
    this.observer = observer;
    observer.setOnReadyHandler(this::signal);
    observer.setOnCancelHandler(() -> {
      cancelled = true;
      signal();
    });
  }

  /** Waits until the stream can take a message; false when the caller cancelled. */
  boolean awaitReady() {
    synchronized (this) {
      while (!cancelled && !observer.isReady()) {
        try {
          wait(1000); // woken by onReady; the timeout only guards against a missed signal
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return !cancelled;
  }

  boolean cancelled() {
    return cancelled;
  }

  private synchronized void signal() {
    notifyAll();
  }
}
