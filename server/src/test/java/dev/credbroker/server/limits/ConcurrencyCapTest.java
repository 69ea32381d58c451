package dev.credbroker.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cap on AWS calls in flight: bounded, a bounded wait for a slot, then a refusal. */
class ConcurrencyCapTest {
  private static final long WAIT = 30;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    threads.shutdownNow();
  }

  @Test
  void beyondTheBound_aCallIsRefusedAfterItsWait_andNothingRunsBeyondIt() throws Exception {
    ConcurrencyCap cap = new ConcurrencyCap("STS", 2, Duration.ZERO);
    CountDownLatch running = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      threads.submit(() -> cap.run(() -> {
        running.countDown();
        return release.await(WAIT, TimeUnit.SECONDS);
      }));
    }
    assertTrue(running.await(WAIT, TimeUnit.SECONDS));

    RateLimitedException refused = assertThrows(RateLimitedException.class,
        () -> cap.run(() -> "never run"));

    assertEquals(Limit.AWS_CONCURRENCY, refused.limit());
    assertEquals(Duration.ofSeconds(1), refused.retryAfter());
    assertEquals("the broker is busy: 2 STS calls are in flight (rate_limits.aws); retry in 1s",
        refused.getMessage());
    assertEquals(0, cap.available());
  }

  @Test
  void aWaitingCall_takesTheFirstSlotThatFreesUp() throws Exception {
    ConcurrencyCap cap = new ConcurrencyCap("Secrets Manager", 1, Duration.ofSeconds(WAIT));
    CountDownLatch running = new CountDownLatch(1);
    threads.submit(() -> cap.run(() -> {
      running.countDown();
      return release.await(WAIT, TimeUnit.SECONDS);
    }));
    assertTrue(running.await(WAIT, TimeUnit.SECONDS));
    CompletableFuture<String> waiting = CompletableFuture.supplyAsync(
        () -> cap.run(() -> "ran"), threads);

    release.countDown();

    assertEquals("ran", waiting.get(WAIT, TimeUnit.SECONDS));
    assertEquals(1, cap.available(), "every slot returned");
  }
}
