package dev.credbroker.bench;

import dev.credbroker.bench.load.LoadSettings;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.WhoAmIRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The standard performance suite, all in one run so the ratios hold on a noisy machine: starts
 * the real broker jar (TLS on, audit log on with its default durability) against an STS fake and a dev
 * issuer in this process, runs scenarios (a) to (f), measures start-up, CPU per call, peak RSS and
 * the heap with many cached sessions, optionally profiles (c) with JFR, and writes the report.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.credbroker.bench.Suite --write docs/performance.md}
 */
public final class Suite {
  private static final List<String> BROKER_JVM = List.of("-XX:+UnlockDiagnosticVMOptions",
      "-XX:+DebugNonSafepoints"); // accurate JFR stacks; no cost outside profiling

  private Suite() {}

  public static void main(String[] args) {
    SuiteOptions options;
    try {
      options = SuiteOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("suite: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      SuiteResult result = run(options, line -> System.err.println("suite: " + line));
      String section = Report.render(result);
      if (options.write().isPresent()) {
        Report.writeSection(options.write().get(), section);
        System.err.println("suite: wrote " + options.write().get());
      } else {
        System.out.println(section);
      }
      System.exit(0);
    } catch (Exception e) {
      System.err.println("suite: failed: " + e);
      System.exit(1);
    }
  }

  /** Runs every scenario; {@code progress} hears what is happening, one line at a time. */
  static SuiteResult run(SuiteOptions o, Consumer<String> progress) throws Exception {
    Machine machine = Machine.current();
    Path dir = Files.createTempDirectory("credbroker-suite-");
    try (Fixture fx = Fixture.start(dir)) {
      String caller = fx.token("bench-caller");
      List<String> herdCallers = tokens(fx, "herd-caller-", o.herdPairs());
      int fillCallerCount = Math.min(100, o.sessions());
      List<String> fillCallers = tokens(fx, "fill-caller-", fillCallerCount);
      long periods = o.load().warmup().plus(o.load().duration()).toNanos() / o.herdRotation().toNanos() + 2;
      List<String> herdRoles = names("herd-", (int) periods);
      List<String> fillRoles = names("fill-", (o.sessions() + fillCallerCount - 1) / fillCallerCount);
      List<String> roles = Stream.concat(herdRoles.stream(), fillRoles.stream()).toList();
      long maxCached = 1 + o.herdPairs() * periods + o.sessions(); // nothing evicted before the heap check
      List<String> jvm = Stream.concat(Stream.of("-Xmx" + o.maxHeap()), BROKER_JVM.stream()).toList();

      progress.accept("starting the broker (TLS, audit OS-buffered, -Xmx" + o.maxHeap() + ")");
      BrokerProcess broker = BrokerProcess.start(o.brokerJar(),
          fx.writeConfig("os-buffered", roles, "os_buffered", maxCached), jvm,
          Fixture.brokerEnvironment());
      Optional<SuiteResult.HeapResult> heap;
      Optional<String> profile = Optional.empty();
      long peakRss;
      Duration startup = broker.startup();
      List<ScenarioResult> results;
      try (BrokerProcess b = broker; Scenarios s = new Scenarios(b, o, fx.pki().caCert(), caller)) {
        authenticate(s, Stream.concat(herdCallers.stream(), fillCallers.stream()).toList());
        progress.accept("starting a second broker, audit fsync'd, for (f)");
        progress.accept("starting a third broker, metrics off, for (a0) and (c0)");
        try (BrokerProcess fsynced = BrokerProcess.start(o.brokerJar(),
            fx.writeConfig("fsync", List.of(), "fsync", maxCached), jvm,
            Fixture.brokerEnvironment()); Scenarios f = new Scenarios(fsynced, o, fx.pki().caCert(), caller);
            BrokerProcess unmetered = BrokerProcess.start(o.brokerJar(),
                fx.writeConfig("metrics-off", List.of(), "os_buffered", maxCached, false), jvm,
                Fixture.brokerEnvironment());
            Scenarios m = new Scenarios(unmetered, o, fx.pki().caCert(), caller)) {
          results = new ArrayList<>(alternating(o, s, f, m, progress));
        }
        progress.accept("(e) uncached GetAwsCredentials, " + o.herdCallers() + " callers");
        fx.sts().latency(o.stsLatency());
        results.add(4, s.herd(herdCallers, herdRoles, fx.sts()));
        fx.sts().latency(Duration.ZERO);
        if (o.profile()) {
          progress.accept("profiling (c) with JFR");
          profile = Optional.of(profile(o, b, s, dir));
        }
        progress.accept("filling " + o.sessions() + " sessions for the heap measurement");
        heap = Optional.of(heap(b, s, fx, fillCallers, fillRoles, o.sessions()));
        peakRss = b.peakRssBytes();
      }
      return new SuiteResult(Instant.now(), machine, Machine.currentLoadAverage(), o, startup,
          List.copyOf(results), peakRss, heap, profile);
    }
  }

  /**
   * (a)-(d) and (f) in turns: each round runs every scenario for a share of the warm-up and the
   * measured time, so a burst of other load on the machine hits all of them rather than one. (f) is
   * (c) against {@code f}'s broker, whose audit log is fsync'd (group commit) rather than
   * OS-buffered: the broker refuses to run without an audit log, so audit's cost is measured as
   * the difference between its two durabilities here, and against no audit at all in JMH
   * ({@code CachedCredentialsBenchmark}). (a0) and (c0) are (a) and (c) against {@code m}'s
   * broker, whose metrics are off: what recording metrics costs, as (c)'s share of (a) on each.
   */
  private static List<ScenarioResult> alternating(SuiteOptions o, Scenarios s, Scenarios f,
      Scenarios m, Consumer<String> progress) throws Exception {
    LoadSettings round = new LoadSettings(o.load().concurrency(), o.load().channels(),
        o.load().warmup().dividedBy(o.rounds()), o.load().duration().dividedBy(o.rounds()));
    progress.accept("warming up");
    f.warmUp(o.load().warmup());
    m.warmUp(o.load().warmup());
    s.warmUp(o.load().warmup());
    Optional<String> noSecrets = s.secretsUnavailable();
    ScenarioResult[] sum = {
        ScenarioResult.skipped("a", "", ""), ScenarioResult.skipped("b", "", ""),
        ScenarioResult.skipped("c", "", ""),
        ScenarioResult.skipped("d", "cached GetSecretValue", noSecrets.orElse("")),
        ScenarioResult.skipped("f", "", ""), ScenarioResult.skipped("a0", "", ""),
        ScenarioResult.skipped("c0", "", "")};
    for (int i = 1; i <= o.rounds(); i++) {
      // Metrics on and off back to back, (a) (c) (a0) (c0), so one burst of other load is less
      // likely to fall on one side of the comparison only.
      progress.accept("round " + i + " of " + o.rounds() + ": (a), (c), (a0), (c0), (b), (d), (f)");
      sum[0] = sum[0].plus(s.emptyRpc(round));
      sum[2] = sum[2].plus(s.cachedCredentials("c", "cached GetAwsCredentials", round));
      sum[5] = sum[5].plus(m.emptyRpc("a0", "empty RPC, metrics off", round));
      sum[6] = sum[6].plus(m.cachedCredentials("c0", "cached GetAwsCredentials, metrics off", round));
      sum[1] = sum[1].plus(s.whoAmI(round));
      if (noSecrets.isEmpty()) {
        sum[3] = sum[3].plus(s.cachedSecret(round));
      }
      sum[4] = sum[4].plus(f.cachedCredentials("f", "cached GetAwsCredentials, audit fsync'd", round));
    }
    return List.of(sum);
  }

  private static String profile(SuiteOptions o, BrokerProcess broker, Scenarios s, Path dir)
      throws Exception {
    Path recording = dir.resolve("cached-credentials.jfr");
    JfrProfile.start(broker, recording);
    ScenarioResult r = s.cachedCredentials("c", "profiled", o.load());
    JfrProfile.stop(broker);
    return String.format(java.util.Locale.ROOT, "Recorded during a separate run of (c) (%.0f calls/s"
        + " under the profiler).%n%n", r.load().orElseThrow().throughput())
        + JfrProfile.summarise(recording, 12);
  }

  private static SuiteResult.HeapResult heap(BrokerProcess broker, Scenarios s, Fixture fx,
      List<String> callers, List<String> roles, int sessions) throws Exception {
    int before = fx.sts().calls("AssumeRole");
    var channel = s.channel();
    try {
      long failures = SessionFill.run(channel, callers, roles, sessions);
      int minted = fx.sts().calls("AssumeRole");
      if (minted - before != sessions - failures) {
        throw new IllegalStateException("expected one STS call per filled session, got "
            + (minted - before) + " for " + sessions);
      }
      BrokerProcess.Heap h = broker.heapAfterFullGc();
      boolean serving = CredentialBrokerGrpc.newBlockingStub(channel)
          .withCallCredentials(Scenarios.withToken(callers.get(0)).getCredentials())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getAwsCredentials(Scenarios.role(roles.get(0))).getAccessKeyId().startsWith("ASIA");
      return new SuiteResult.HeapResult(sessions, minted, h.usedBytes(), h.committedBytes(), failures,
          serving);
    } finally {
      channel.shutdownNow();
    }
  }

  /** Verifies every token once, so later scenarios measure the credential path, not signatures. */
  private static void authenticate(Scenarios s, List<String> tokens) throws IOException {
    var channel = s.channel();
    try {
      var stub = CredentialBrokerGrpc.newBlockingStub(channel);
      for (String token : tokens) {
        stub.withCallCredentials(Scenarios.withToken(token).getCredentials())
            .withDeadlineAfter(10, TimeUnit.SECONDS).whoAmI(WhoAmIRequest.getDefaultInstance());
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static List<String> tokens(Fixture fx, String prefix, int n) {
    return names(prefix, n).stream().map(fx::token).toList();
  }

  private static List<String> names(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> String.format("%s%03d", prefix, i)).toList();
  }
}
