package dev.credbroker.server.testing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** What the AWS fakes do besides answering: count calls per action, add latency, inject errors. */
final class FaultPlan {
  /** An error to answer with: HTTP status and AWS error code. */
  record Fault(int status, String code) {}

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private volatile Duration latency = Duration.ZERO;

  void failNext(int times, int status, String code) {
    for (int i = 0; i < times; i++) {
      faults.add(new Fault(status, code));
    }
  }

  void latency(Duration d) {
    latency = d;
  }

  int calls(String action) {
    return calls.getOrDefault(action, new AtomicInteger()).get();
  }

  /** Counts a call, waits the latency, and returns the next queued fault, or null. */
  Fault onCall(String action) throws InterruptedException {
    calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
    if (!latency.isZero()) {
      Thread.sleep(latency.toMillis()); // simulated network latency, not test synchronisation
    }
    return faults.poll();
  }
}
