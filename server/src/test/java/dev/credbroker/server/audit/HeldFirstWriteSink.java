package dev.credbroker.server.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sink whose first write waits until the test calls {@link #release()}, so a test can see what
 * happens to records that arrive while the log is busy; counts writes and syncs.
 */
final class HeldFirstWriteSink extends ForwardingSink {
  final CountDownLatch firstWriteStarted = new CountDownLatch(1);
  final AtomicInteger writes = new AtomicInteger();
  final AtomicInteger syncs = new AtomicInteger();
  private final CountDownLatch released = new CountDownLatch(1);

  HeldFirstWriteSink(AuditSink next) {
    super(next);
  }

  void release() {
    released.countDown();
  }

  @Override
  public void write(ByteBuffer lines) throws IOException {
    if (writes.incrementAndGet() == 1) {
      firstWriteStarted.countDown();
      try {
        released.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }
    super.write(lines);
  }

  @Override
  public void sync() throws IOException {
    syncs.incrementAndGet();
    super.sync();
  }
}
