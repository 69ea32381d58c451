package dev.credbroker.server.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code fsync}: one writer thread takes whatever records are queued, writes them in one batch
 * and syncs once (group commit), so durability costs one flush per batch rather than one per
 * request. Records are queued and the queue is closed under one lock ({@code admitting}): a
 * record queued before the close is ahead of the stop marker and written; one offered after it is
 * refused. (Checking "closed" and queuing without that lock let a record slip in behind the
 * writer's last look, never to be written or answered.)
 */
final class GroupCommit implements Admission {
  static final int MAX_QUEUED = 65_536;
  private static final int MAX_BATCH = 1024;

  private final Pending stop = Pending.marker();
  private final Pending tick = Pending.marker();
  private final Pending seal = Pending.marker();
  private final ChainWriter chain;
  private final BlockingQueue<Pending> queue;
  private final boolean failClosed;
  private final Thread thread;
  private final Object admitting = new Object();
  private boolean closed; // guarded by admitting

  GroupCommit(ChainWriter chain, BlockingQueue<Pending> queue, boolean failClosed) {
    this.chain = chain;
    this.queue = queue;
    this.failClosed = failClosed;
    this.thread = new Thread(this::run, "credbroker-audit");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void admit(Pending record) {
    String refused;
    synchronized (admitting) {
      if (!closed && queue.offer(record)) {
        return;
      }
      refused = closed ? "the audit log is closed" : "the audit log is overloaded";
    }
    Answers.settle(List.of(record), new AuditUnavailableException(refused), failClosed);
  }

  @Override
  public void tick() {
    offerMarker(tick);
  }

  @Override
  public void sealNow() {
    offerMarker(seal);
  }

  private void offerMarker(Pending marker) {
    synchronized (admitting) {
      if (!closed) {
        queue.offer(marker); // a full queue will be written anyway; a dropped tick is harmless
      }
    }
  }

  @Override
  public void close() {
    synchronized (admitting) {
      if (closed) {
        return;
      }
      closed = true;
      while (!queue.offer(stop)) {
        Thread.onSpinWait(); // full: the writer is draining it
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The writer thread: every chain call happens here, the final seal and close included. */
  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    boolean stopping = false;
    while (!stopping) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      stopping = batch.removeIf(p -> p == stop);
      boolean sealing = batch.removeIf(p -> p == seal);
      batch.removeIf(p -> p == tick); // every commit checks whether a checkpoint is due
      Answers.settle(batch, chain.commit(Answers.bodies(batch), sealing), failClosed);
      batch.clear();
    }
    chain.close();
  }
}
