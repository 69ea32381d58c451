package dev.credbroker.bench.cache;

import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.model.Outcome;
import dev.credbroker.server.model.Secret;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The broker's own work for a cached GetAwsCredentials, without gRPC: authenticate a known token
 * (hash and cache hit), then decide, name the session and take the credentials from the cache.
 * One thread, nanoseconds per call: precise where the end-to-end suite is noisy, so it shows
 * what a change to the handler path saves.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CredentialPath}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CredentialPathBenchmark {
  private final Clock clock = Clock.systemUTC();
  private final Optional<InetAddress> peer = Optional.of(InetAddress.getLoopbackAddress());
  private VendingStack stack;
  private Secret token;

  @Setup
  public void setUp() throws Exception {
    stack = VendingStack.start();
    token = Secret.of(stack.token());
    if (!(cachedCredentials() instanceof Outcome.Allowed<CredentialVendor.Vended> first)
        || first.value().cacheHit()) {
      throw new IllegalStateException("the first call must be allowed, and cannot be a cache hit");
    }
  }

  @TearDown
  public void tearDown() {
    stack.close();
    if (stack.sts().calls("AssumeRole") != 1) {
      throw new IllegalStateException("expected one STS call, got " + stack.sts().calls("AssumeRole"));
    }
  }

  @Benchmark
  public VerifiedIdentity authenticate() {
    return stack.authenticator().authenticate(stack.token()).join();
  }

  @Benchmark
  public Outcome<CredentialVendor.Vended> cachedCredentials() {
    VerifiedIdentity id = authenticate();
    return stack.vendor().vend(stack.policy(), new PolicyInput(id.issuer(), id.claims(), peer,
        clock.instant()), id.subject(), VendingStack.ROLE, Optional.empty(), token, id.tokenHash()).join();
  }
}
