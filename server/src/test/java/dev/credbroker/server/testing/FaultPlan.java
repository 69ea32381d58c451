package dev.credbroker.server.testing;

import dev.credbroker.server.devaws.AwsRefusal;
import dev.credbroker.server.devaws.DevAwsHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the AWS fakes add to the development endpoint: count calls per action, add latency, inject
 * errors, record AssumeRole parameters, substitute oversized values.
 */
final class FaultPlan implements DevAwsHooks {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<AwsRefusal> faults = new ConcurrentLinkedQueue<>();
  private final List<Map<String, String>> assumeRoleRequests =
      Collections.synchronizedList(new ArrayList<>());
  private volatile Duration latency = Duration.ZERO;
  private final AtomicInteger oversizedNext = new AtomicInteger();
  private volatile int oversizedBytes;

  void failNext(int times, int status, String code) {
    for (int i = 0; i < times; i++) {
      faults.add(new AwsRefusal(status, code, "injected fault"));
    }
  }

  void latency(Duration d) {
    latency = d;
  }

  int calls(String action) {
    return calls.getOrDefault(action, new AtomicInteger()).get();
  }

  List<Map<String, String>> assumeRoleRequests() {
    synchronized (assumeRoleRequests) {
      return List.copyOf(assumeRoleRequests);
    }
  }

  void oversizedNext(int times, int bytes) {
    oversizedBytes = bytes;
    oversizedNext.set(times);
  }

  /** Counts a call, waits the latency, and returns the next queued fault, or null. */
  @Override
  public AwsRefusal before(String action) throws InterruptedException {
    calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
    if (!latency.isZero()) {
      Thread.sleep(latency.toMillis()); // simulated network latency, not test synchronisation
    }
    return faults.poll();
  }

  @Override
  public void assumeRoleReceived(Map<String, String> parameters) {
    assumeRoleRequests.add(parameters);
  }

  @Override
  public String substituteSecretString() {
    return oversizedNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
        ? "x".repeat(oversizedBytes) : null;
  }
}
