package dev.credbroker.bench.load;

import io.grpc.Channel;
import io.grpc.Status;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop gRPC load generator: {@code concurrency} callers, each with one call in flight,
 * starting its next call from the completion of the last (no thread per caller, no blocking). A
 * closed loop measures the latency a caller sees at a given concurrency; it under-reports the
 * queueing an open-loop arrival rate would cause (coordinated omission), which is why reports
 * compare scenarios at the same concurrency rather than quote absolute tails.
 */
public final class LoadGenerator {
  /** Completions that arrive on the starting thread hop to another thread beyond this depth. */
  private static final int MAX_INLINE_DEPTH = 8;
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final List<? extends Channel> channels;
  private final CallSource source;
  private final Executor overflow = ForkJoinPool.commonPool();
  private final Recorder latency = new Recorder(3);
  private final LongAdder measuredCalls = new LongAdder();
  private final Map<Status.Code, LongAdder> errors = new ConcurrentHashMap<>();
  private volatile boolean measuring;
  private volatile boolean stopping;
  private CountDownLatch idle;

  private LoadGenerator(List<? extends Channel> channels, CallSource source) {
    this.channels = List.copyOf(channels);
    this.source = source;
  }

  /**
   * Runs {@code source} against {@code channels} as {@code settings} say and returns what the
   * measurement window saw. Calls still in flight when it closes are awaited but not counted.
   */
  public static LoadResult run(LoadSettings settings, List<? extends Channel> channels,
      CallSource source) throws InterruptedException {
    return run(settings, channels, source, Window.NONE);
  }

  /** As above; {@code window} hears when measurement starts and ends (to sample CPU time, say). */
  public static LoadResult run(LoadSettings settings, List<? extends Channel> channels,
      CallSource source, Window window) throws InterruptedException {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("no channels to drive");
    }
    return new LoadGenerator(channels, source).drive(settings, window);
  }

  /** Callbacks at the edges of the measurement window, on the thread that called {@code run}. */
  public interface Window {
    Window NONE = new Window() {
      @Override
      public void opened() {}

      @Override
      public void closed() {}
    };

    void opened();

    void closed();
  }

  private LoadResult drive(LoadSettings settings, Window window) throws InterruptedException {
    idle = new CountDownLatch(settings.concurrency());
    for (int slot = 0; slot < settings.concurrency(); slot++) {
      next(slot);
    }
    TimeUnit.NANOSECONDS.sleep(settings.warmup().toNanos()); // the run's own clock, not a sync
    window.opened();
    latency.reset();
    measuring = true;
    long start = System.nanoTime();
    TimeUnit.NANOSECONDS.sleep(settings.duration().toNanos());
    measuring = false;
    long measured = System.nanoTime() - start;
    window.closed();
    var histogram = latency.getIntervalHistogram();
    long calls = measuredCalls.sum();
    stopping = true;
    if (!idle.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still in flight 60 s after the run ended");
    }
    Map<Status.Code, Long> failed = new EnumMap<>(Status.Code.class);
    errors.forEach((code, n) -> failed.put(code, n.sum()));
    return new LoadResult(calls, failed, Duration.ofNanos(measured), histogram);
  }

  private void next(int slot) {
    if (stopping) {
      idle.countDown();
      return;
    }
    long started = System.nanoTime();
    int[] depth = DEPTH.get();
    depth[0]++;
    try {
      source.start(channels.get(slot % channels.size()), slot, status -> ended(slot, started, status));
    } finally {
      depth[0]--;
    }
  }

  private void ended(int slot, long started, Status status) {
    long took = System.nanoTime() - started;
    if (!status.isOk()) {
      errors.computeIfAbsent(status.getCode(), c -> new LongAdder()).increment();
    } else if (measuring) {
      latency.recordValue(took);
      measuredCalls.increment();
    }
    if (DEPTH.get()[0] > MAX_INLINE_DEPTH) {
      overflow.execute(() -> next(slot));
    } else {
      next(slot);
    }
  }
}
