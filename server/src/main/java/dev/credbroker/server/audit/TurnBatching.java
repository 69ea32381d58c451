package dev.credbroker.server.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code os_buffered}: no writer thread. A network thread keeps the records of its current turn
 * and writes them at the turn's end ({@link Deferral}) in one write; any other thread writes at
 * once. A thread that finds the log busy leaves its records to the one writing (flat combining),
 * which looks again after it lets go. The chain is touched only under {@code writing}, and
 * {@link #close()} takes the same lock, so a record is written before the close or refused.
 */
final class TurnBatching implements Admission {
  private static final int MAX_BATCH = 1024;

  private final ChainWriter chain;
  private final Deferral deferral;
  private final boolean failClosed;
  private final ReentrantLock writing = new ReentrantLock();
  private final Queue<Pending> arrivals = new ConcurrentLinkedQueue<>();
  /** Per thread: the records of its current turn, written together at the turn's end. */
  private final ThreadLocal<List<Pending>> turn = ThreadLocal.withInitial(ArrayList::new);
  private boolean closed; // guarded by writing

  TurnBatching(ChainWriter chain, Deferral deferral, boolean failClosed) {
    this.chain = chain;
    this.deferral = deferral;
    this.failClosed = failClosed;
  }

  @Override
  public void admit(Pending record) {
    List<Pending> mine = turn.get();
    mine.add(record);
    if (mine.size() == 1 && !deferral.deferOnThisThread(this::endOfTurn)) {
      endOfTurn(); // this thread cannot wait for the end of a turn
    }
  }

  /** Writes this thread's records of the turn, or leaves them to the thread writing now. */
  private void endOfTurn() {
    List<Pending> mine = turn.get();
    List<Pending> batch = new ArrayList<>(mine);
    mine.clear();
    if (batch.isEmpty()) {
      return;
    }
    if (writing.tryLock()) {
      writeAndRelease(batch);
    } else {
      arrivals.addAll(batch);
    }
    writeArrivals();
  }

  /** Writes what has arrived, unless another thread is writing: it looks again after it lets go. */
  private void writeArrivals() {
    while (!arrivals.isEmpty() && writing.tryLock()) {
      writeAndRelease(new ArrayList<>());
    }
  }

  /** With {@code writing} held: adds waiting arrivals, writes, lets go, then answers (unlocked). */
  private void writeAndRelease(List<Pending> batch) {
    Exception failure;
    try {
      for (Pending p; batch.size() < MAX_BATCH && (p = arrivals.poll()) != null; ) {
        batch.add(p);
      }
      failure = closed ? new AuditUnavailableException("the audit log is closed")
          : chain.commit(Answers.bodies(batch), false);
    } finally {
      writing.unlock();
    }
    Answers.settle(batch, failure, failClosed);
  }

  @Override
  public void tick() {
    commitAlone(false);
    writeArrivals(); // records left while the timer held the log
  }

  @Override
  public void sealNow() {
    commitAlone(true);
  }

  private void commitAlone(boolean seal) {
    writing.lock();
    try {
      if (!closed) {
        chain.commit(List.of(), seal);
      }
    } finally {
      writing.unlock();
    }
  }

  @Override
  public void close() {
    List<Pending> last = new ArrayList<>();
    Exception failure;
    writing.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Pending p; (p = arrivals.poll()) != null; ) {
        last.add(p); // left to the writer before the close: written; anything later is refused
      }
      failure = chain.commit(Answers.bodies(last), false);
      chain.close();
    } finally {
      writing.unlock();
    }
    Answers.settle(last, failure, failClosed);
  }
}
