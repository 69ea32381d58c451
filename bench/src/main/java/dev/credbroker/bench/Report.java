package dev.credbroker.bench;

import dev.credbroker.bench.load.LoadResult;
import dev.credbroker.core.config.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders a {@link SuiteResult} as the suite section of docs/performance.md, and replaces that
 * section (between two markers) in a file, leaving the rest of the file alone.
 */
final class Report {
  static final String BEGIN = "<!-- suite:begin: written by dev.credbroker.bench.Suite; rerun it rather than editing -->";
  static final String END = "<!-- suite:end -->";
  static final String COMMAND = "mvn -B -ntp -q -DskipTests package && java -cp bench/target/benchmarks.jar"
      + " dev.credbroker.bench.Suite --write docs/performance.md";
  private static final double MIB = 1024.0 * 1024.0;

  private Report() {}

  static String render(SuiteResult r) {
    SuiteOptions o = r.options();
    Machine m = r.machine();
    StringBuilder b = new StringBuilder(BEGIN).append("\n## The standard suite (issue 8)\n\n");
    b.append("`").append(COMMAND).append("`\n\n");
    b.append(f("Ran %s on %d cores (%s), %.1f GiB memory; %s; %s. Load average (1/5/15 min) before"
            + " the run: %s, after: %s — anything above zero beyond the suite itself is other work"
            + " on this shared machine, which depresses every absolute number; compare ratios"
            + " within one run.%n%n",
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").format(r.finished().atOffset(ZoneOffset.UTC)),
        m.cores(), m.cpuModel(), m.memoryBytes() / (MIB * 1024), m.jvm(), m.os(), m.loadAverage(),
        r.loadAverageAfter()));
    b.append(f("Settings: the real broker jar as a child process (TLS on, audit log on disk with the default OS-buffered durability, `-Xmx%s`, direct"
            + " executor), the STS fake and the dev OIDC issuer in the suite's process, the load"
            + " generator in the suite's process too (client and broker share the cores). Closed loop:"
            + " %d calls in flight over %d TLS connections for (a)-(d) and (f), %s warm-up then %s"
            + " measured per scenario; every call carries the caller's bearer token, the baseline too."
            + " (e): %d callers over %d (role, caller) pairs, %s added STS latency, moving to fresh"
            + " roles (cold cache) every %s.%n%n",
        o.maxHeap(), o.load().concurrency(),
        o.load().channels(), Durations.format(o.load().warmup()), Durations.format(o.load().duration()),
        o.herdCallers(), o.herdPairs(), Durations.format(o.stsLatency()),
        Durations.format(o.herdRotation())));
    Optional<LoadResult> base = r.scenario("a").flatMap(ScenarioResult::load);
    b.append("| scenario | in flight | calls/s | vs (a) | p50 µs | p99 µs | p99.9 µs | p99 vs (a)"
        + " | broker CPU µs per call | CPU vs (a) | failed calls |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
    Optional<ScenarioResult> baseCpu = r.scenario("a");
    for (ScenarioResult s : r.scenarios()) {
      b.append(row(s, base, baseCpu, o.load().concurrency()));
    }
    b.append("\n(f): the broker refuses to start without its audit log, so (f) is (c) against a second"
        + " broker whose log is fsync'd (group commit) rather than OS-buffered (`audit.durability`):"
        + " what durability against power loss costs. Building and writing one record per call is in"
        + " both (c) and (f); `CachedCredentialsBenchmark` (JMH) measures (c) without any audit log.");
    for (ScenarioResult s : r.scenarios()) {
      s.note().ifPresent(n -> b.append("\n(").append(s.id()).append("): ").append(n).append("."));
      s.skipped().ifPresent(n -> b.append("\n(").append(s.id()).append(") not run: ").append(n).append("."));
    }
    b.append(f("%n%nBroker process: start to SERVING %.2f s; peak RSS %.0f MiB over the whole run.",
        r.startup().toMillis() / 1000.0, r.peakRssBytes() / MIB));
    r.heap().ifPresent(h -> b.append(f(" With %,d sessions filled (%,d cached in all, %d failed"
            + " requests), the heap after a full GC held %.1f MiB (%.0f MiB committed, -Xmx%s), and"
            + " the broker %s.", h.sessions(), h.cachedTotal(), h.failures(), h.usedBytes() / MIB,
        h.committedBytes() / MIB, o.maxHeap(), h.servingAfter() ? "still served" : "no longer served")));
    b.append("\n\n").append(Targets.render(r));
    r.profile().ifPresent(p -> b.append("\n### Where (c) spends its time\n\n").append(p));
    return b.append(END).append("\n").toString();
  }

  private static String row(ScenarioResult s, Optional<LoadResult> base,
      Optional<ScenarioResult> baseCpu, int baseConcurrency) {
    if (s.load().isEmpty()) {
      return "| (" + s.id() + ") " + s.title() + " | not run | | | | | | | | | |\n";
    }
    LoadResult l = s.load().get();
    boolean comparable = base.isPresent() && s.concurrency() == baseConcurrency;
    double cpu = cpuMicrosPerCall(s);
    return f("| (%s) %s | %d | %,.0f | %s | %,.0f | %,.0f | %,.0f | %s | %.1f | %s | %s |%n", s.id(),
        s.title(), s.concurrency(), l.throughput(),
        comparable ? f("%.0f%%", 100 * l.throughput() / base.get().throughput()) : "—",
        l.micros(50), l.micros(99), l.micros(99.9),
        comparable ? f("%.2f×", l.micros(99) / base.get().micros(99)) : "—",
        cpu, baseCpu.filter(a -> a.cpuPer1000().isPresent())
            .map(a -> f("%.1f×", cpu / cpuMicrosPerCall(a))).orElse("—"),
        l.errorCount() == 0 ? "0" : l.errors().toString());
  }

  /** The broker's CPU time per call, in µs: whole milliseconds per 1,000 calls are too coarse. */
  static double cpuMicrosPerCall(ScenarioResult s) {
    return s.cpuPer1000().orElseThrow().toNanos() / 1e6;
  }

  /** Replaces the suite section of {@code file}, or appends one if it has none. */
  static void writeSection(Path file, String section) throws IOException {
    String text = Files.exists(file) ? Files.readString(file) : "";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    String updated;
    if (begin >= 0 && end > begin) {
      String after = text.substring(end + END.length());
      updated = text.substring(0, begin) + section + (after.startsWith("\n") ? after.substring(1) : after);
    } else {
      updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
          + section;
    }
    Files.writeString(file, updated);
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
