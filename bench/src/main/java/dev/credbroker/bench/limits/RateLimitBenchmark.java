package dev.credbroker.bench.limits;

import dev.credbroker.core.config.RateLimitsConfig;
import dev.credbroker.core.policy.Target;
import dev.credbroker.server.limits.RateLimiter;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the rate limits charge a cached call: the caller's bucket (every call) and the role's (every
 * allowed call), with the suite's limits (far above the load, so nothing is refused). One caller
 * and one role, so with two threads, as the broker's two event loops, both buckets are contended:
 * the suite's case. Nanoseconds per call.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RateLimit -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimitBenchmark {
  private static final String ISSUER = "http://127.0.0.1:8443/dev";
  private static final String SUBJECT = "bench-caller";
  private static final Target ROLE = Target.role("deployer");

  private RateLimiter limits;

  /** New, full buckets each iteration: a 2 s iteration takes fewer tokens than the burst. */
  @Setup(Level.Iteration)
  public void setUp() {
    RateLimitsConfig.Rate far = new RateLimitsConfig.Rate(1_000_000, 10_000_000);
    RateLimitsConfig.Scope scope = new RateLimitsConfig.Scope(far, far);
    limits = new RateLimiter(new RateLimitsConfig(true, scope, scope, scope,
        RateLimitsConfig.DEFAULTS.maxTrackedCallers(), RateLimitsConfig.DEFAULTS.aws()),
        Clock.systemUTC());
  }

  /** As {@code Serving} and the service charge a cached GetAwsCredentials. */
  @Benchmark
  @Threads(1)
  public void cachedCall() {
    charge();
  }

  /** The same from two threads at once: the broker's two event loops on one caller and role. */
  @Benchmark
  @Threads(2)
  public void cachedCallTwoThreads() {
    charge();
  }

  private void charge() {
    limits.call(ISSUER, SUBJECT);
    limits.quota(ISSUER, SUBJECT).allowed(ROLE);
  }
}
