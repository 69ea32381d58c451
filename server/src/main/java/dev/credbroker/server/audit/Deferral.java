package dev.credbroker.server.audit;

/**
 * A way to run work on the current thread once it has finished what it is doing: on a network
 * event loop, after the requests of the current read. The audit writer uses it to write the
 * records of all the requests one turn of the loop produced in a single write, with no hand-off to
 * another thread.
 */
@FunctionalInterface
public interface Deferral {
  /** For threads that cannot defer: records are written at once. */
  Deferral NONE = task -> false;

  /**
   * Runs {@code task} later on this thread and returns true, or returns false (and never runs it)
   * when this thread cannot defer work; the caller then does the work itself.
   */
  boolean deferOnThisThread(Runnable task);

  /**
   * Runs work on this thread's event loop, so an answer can be sent from the thread that owns the
   * call; null for a thread that has none.
   */
  default java.util.concurrent.Executor ownerOfThisThread() {
    return null;
  }
}
