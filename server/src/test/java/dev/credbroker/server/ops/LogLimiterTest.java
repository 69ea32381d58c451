package dev.credbroker.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final LogLimiter limiter = new LogLimiter(clock, Duration.ofMinutes(1));

  @Test
  void oneLinePerCausePerInterval_thenTheCountHeldBack() {
    assertEquals(OptionalLong.of(0), limiter.admit("a"));
    assertEquals(OptionalLong.of(0), limiter.admit("b"), "causes are limited separately");
    for (int i = 0; i < 5; i++) {
      assertEquals(OptionalLong.empty(), limiter.admit("a"));
    }
    clock.advance(Duration.ofSeconds(59));
    assertEquals(OptionalLong.empty(), limiter.admit("a"));

    clock.advance(Duration.ofSeconds(1));
    assertEquals(OptionalLong.of(6), limiter.admit("a"));
    assertEquals(OptionalLong.empty(), limiter.admit("a"));
  }

  @Test
  void manyCauses_shareOneWindowOnceTheTableIsFull() {
    for (int i = 0; i < LogLimiter.MAX_CAUSES; i++) {
      assertEquals(OptionalLong.of(0), limiter.admit("cause " + i));
    }
    assertEquals(OptionalLong.of(0), limiter.admit("one more"));
    assertEquals(OptionalLong.empty(), limiter.admit("and another"));
    assertEquals(OptionalLong.empty(), limiter.admit("cause 0"), "known causes keep their window");
  }
}
