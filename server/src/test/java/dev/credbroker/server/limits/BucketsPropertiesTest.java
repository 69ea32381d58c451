package dev.credbroker.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.RateLimitsConfig.Rate;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The token buckets over random call sequences on a hand-moved clock: never more than
 * {@code rate * t + burst} calls admitted per key in any run of {@code t} seconds, a full burst
 * admitted at once, and a refused caller admitted once its retry delay has passed.
 */
class BucketsPropertiesTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** One step: time moves {@code advanceMillis}, then {@code key} calls. */
  record Step(long advanceMillis, int key) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 0)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(1, 200)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(200, 20_000))),
            Arbitraries.integers().between(0, 3))
        .as(Step::new).list().ofMinSize(1).ofMaxSize(400);
  }

  @Provide
  Arbitrary<Rate> rates() {
    return Combinators.combine(
            Arbitraries.of(0.25, 0.5, 1.0, 2.0, 3.3, 10.0, 50.0, 1000.0),
            Arbitraries.longs().between(1, 40))
        .as(Rate::new);
  }

  @Property(tries = 300)
  void admitted_neverExceedRateTimesElapsedPlusBurst_perKey(@ForAll("rates") Rate rate,
      @ForAll("steps") List<Step> steps) {
    MutableClock clock = new MutableClock(START);
    Buckets buckets = new Buckets(rate, 1_000, clock);
    Map<Integer, List<Long>> admitted = new HashMap<>();
    long now = 0;
    for (Step step : steps) {
      clock.advance(Duration.ofMillis(step.advanceMillis()));
      now += step.advanceMillis();
      if (buckets.take("key-" + step.key()).isEmpty()) {
        admitted.computeIfAbsent(step.key(), k -> new java.util.ArrayList<>()).add(now);
      }
    }
    for (List<Long> times : admitted.values()) {
      for (int i = 0; i < times.size(); i++) { // every window [times[i], times[j]]
        for (int j = i; j < times.size(); j++) {
          double seconds = (times.get(j) - times.get(i)) / 1000.0;
          int count = j - i + 1;
          assertTrue(count <= rate.perSecond() * seconds + rate.burst() + 1e-9,
              count + " admitted in " + seconds + "s at " + rate);
        }
      }
    }
  }

  @Property(tries = 200)
  void aFullBurstIsAdmitted_thenRefused_thenAdmittedAfterTheRetryDelay(
      @ForAll("rates") Rate rate, @ForAll @IntRange(min = 0, max = 3) int otherKeys) {
    MutableClock clock = new MutableClock(START);
    Buckets buckets = new Buckets(rate, 1_000, clock);
    for (int i = 0; i < rate.burst(); i++) {
      assertTrue(buckets.take("k").isEmpty(), "call " + (i + 1) + " of a burst of " + rate.burst());
    }
    Optional<Duration> wait = buckets.take("k");
    assertTrue(wait.isPresent(), "one past the burst");
    assertTrue(wait.get().toNanos() <= Math.ceil(1e9 / rate.perSecond()) + 1_000_000,
        "at most one token's time: " + wait.get());
    for (int k = 0; k < otherKeys; k++) {
      assertTrue(buckets.take("other-" + k).isEmpty(), "another key is not affected");
    }
    clock.advance(wait.get());
    assertEquals(Optional.empty(), buckets.take("k"), "admitted after the retry delay");
  }

  @org.junit.jupiter.api.Test
  void aFloodOfDistinctKeys_keepsAtMostTheBound_andIdleBucketsAreForgottenOnceFull() {
    MutableClock clock = new MutableClock(START);
    Buckets buckets = new Buckets(new Rate(1, 5), 1_000, clock);
    for (int i = 0; i < 20_000; i++) {
      buckets.take("subject-" + i);
    }
    assertTrue(buckets.size() <= 1_000, "kept " + buckets.size());

    clock.advance(Duration.ofSeconds(5)); // as long as an emptied bucket takes to fill up
    assertEquals(0, buckets.size(), "a forgotten bucket is a full one: nothing lost");
  }
}
