package dev.credbroker.client.testing;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor that only queues; the test runs the tasks when it chooses. */
public final class ManualExecutor implements Executor {
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

  @Override
  public void execute(Runnable task) {
    queue.add(task);
  }

  public int pending() {
    return queue.size();
  }

  /** Runs every queued task (and any they queue) on the calling thread; returns how many ran. */
  public int runAll() {
    int n = 0;
    for (Runnable r; (r = queue.poll()) != null; n++) {
      r.run();
    }
    return n;
  }
}
