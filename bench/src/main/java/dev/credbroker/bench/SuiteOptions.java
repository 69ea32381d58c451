package dev.credbroker.bench;

import dev.credbroker.bench.load.LoadSettings;
import dev.credbroker.core.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The suite's settings, from {@code --name value} flags; every flag has the default the standard
 * run uses, so the documented command needs none but {@code --write}.
 *
 * @param load concurrency, channels, warm-up and duration of scenarios (a)-(d) and (f)
 * @param rounds (a)-(d) and (f) run in turn this many times, each for a share of warm-up and
 *     duration, so drift in the machine's other load spreads over all of them alike
 * @param herdCallers concurrent callers in (e), the uncached scenario
 * @param herdPairs distinct (role, caller) pairs those callers share at any time
 * @param herdRotation how often (e) moves to fresh roles, so each period starts with a cold cache
 * @param stsLatency the fake STS's added latency during (e)
 * @param sessions cached sessions held when the heap is measured
 * @param maxHeap the broker's {@code -Xmx}: the heap target, enforced by the JVM
 * @param profile record (c) once more under JFR and summarise where the time and allocation go
 */
record SuiteOptions(Optional<Path> write, Path brokerJar, LoadSettings load, int rounds, int herdCallers,
    int herdPairs, Duration herdRotation, Duration stsLatency, int sessions, String maxHeap,
    boolean profile) {

  static final String USAGE = """
      usage: java -cp bench/target/benchmarks.jar dev.credbroker.bench.Suite [--write FILE] [flags]
        --write FILE          replace the suite section of FILE (docs/performance.md); else print it
        --broker-jar FILE     the broker (server/target/credbroker-server.jar)
        --concurrency N       calls in flight in (a)-(d), (f) (32)
        --channels N          connections for them (2)
        --warmup D            per scenario, not measured (3s)
        --duration D          measured, per scenario (10s)
        --rounds N            (a)-(d), (f) take turns this many times, sharing warm-up and duration (5)
        --herd-callers N      concurrent callers in (e) (1000)
        --herd-pairs N        distinct (role, caller) pairs in (e) (10)
        --herd-rotation D     (e) moves to fresh roles this often, each time with a cold cache (1s)
        --sts-latency D       added STS latency in (e) (50ms)
        --sessions N          cached sessions when the heap is measured (10000)
        --max-heap SIZE       the broker's -Xmx (256m)
        --profile true|false  profile (c) with JFR after the measured runs (true)""";

  private static final Set<String> FLAGS = Set.of("--write", "--broker-jar", "--concurrency",
      "--channels", "--warmup", "--duration", "--rounds", "--herd-callers", "--herd-pairs", "--herd-rotation",
      "--sts-latency", "--sessions", "--max-heap", "--profile");

  static SuiteOptions parse(String... args) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!FLAGS.contains(args[i])) {
        throw new IllegalArgumentException("unknown flag '" + args[i] + "'\n" + USAGE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value\n" + USAGE);
      }
      if (given.put(args[i], args[++i]) != null) {
        throw new IllegalArgumentException(args[i - 1] + " given twice");
      }
    }
    LoadSettings load = new LoadSettings(number(given, "--concurrency", 32),
        number(given, "--channels", 2), duration(given, "--warmup", "3s"),
        duration(given, "--duration", "10s"));
    SuiteOptions o = new SuiteOptions(Optional.ofNullable(given.get("--write")).map(Path::of),
        Path.of(given.getOrDefault("--broker-jar", "server/target/credbroker-server.jar")), load,
        number(given, "--rounds", 5),
        number(given, "--herd-callers", 1000), number(given, "--herd-pairs", 10),
        duration(given, "--herd-rotation", "1s"), duration(given, "--sts-latency", "50ms"),
        number(given, "--sessions", 10_000), given.getOrDefault("--max-heap", "256m"),
        Boolean.parseBoolean(given.getOrDefault("--profile", "true")));
    if (o.herdPairs() > o.herdCallers()) {
      throw new IllegalArgumentException("--herd-pairs must not exceed --herd-callers");
    }
    if (!o.maxHeap().matches("\\d+[kmg]")) {
      throw new IllegalArgumentException("--max-heap takes a JVM size such as 256m");
    }
    return o;
  }

  private static int number(Map<String, String> given, String flag, int otherwise) {
    String v = given.get(flag);
    try {
      int n = v == null ? otherwise : Integer.parseInt(v);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " takes a positive whole number, got '" + v + "'");
    }
  }

  private static Duration duration(Map<String, String> given, String flag, String otherwise) {
    try {
      return Durations.parse(given.getOrDefault(flag, otherwise));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage());
    }
  }
}
