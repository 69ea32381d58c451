package dev.credbroker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.bench.load.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole suite for about a second per scenario against the real broker jar: keeps the
 * benchmarks compiling and working in CI. It checks that every scenario produced calls without
 * failures and that the counts hold; it asserts nothing about time.
 */
class SuiteSmokeTest {
  private static final Pattern STS = Pattern.compile("^(\\d+) STS calls for (\\d+) cold periods of (\\d+) pairs");

  @TempDir Path dir;

  @Test
  void tinySuite_runsEveryScenario_andWritesTheReportSection() throws Exception {
    SuiteOptions options = SuiteOptions.parse("--broker-jar", System.getProperty("credbroker.serverJar"),
        "--concurrency", "4", "--channels", "1", "--warmup", "300ms", "--duration", "600ms",
        "--rounds", "1", "--herd-callers", "40", "--herd-pairs", "4", "--herd-rotation", "300ms",
        "--sts-latency", "20ms", "--sessions", "150");
    List<String> progress = new ArrayList<>();

    SuiteResult r = Suite.run(options, progress::add);

    for (String id : List.of("a", "b", "c", "e", "f", "a0", "c0")) {
      LoadResult load = r.scenario(id).orElseThrow().load().orElseThrow(() -> new AssertionError(id + " did not run"));
      assertTrue(load.calls() > 0, id + " made no calls");
      assertEquals(0, load.errorCount(), id + " failed calls: " + load.errors());
      assertTrue(r.scenario(id).orElseThrow().cpuPer1000().isPresent(), id);
    }
    // (d) runs once the broker implements GetSecretValue, and then must not fail
    r.scenario("d").orElseThrow().load().ifPresent(l -> assertEquals(0, l.errorCount(), "d"));
    Matcher sts = STS.matcher(r.scenario("e").orElseThrow().note().orElseThrow());
    assertTrue(sts.find(), r.scenario("e").orElseThrow().note().orElseThrow());
    int calls = Integer.parseInt(sts.group(1));
    int periods = Integer.parseInt(sts.group(2));
    assertTrue(calls >= 4 && calls <= 4 * periods, sts.group());

    SuiteResult.HeapResult heap = r.heap().orElseThrow();
    assertEquals(0, heap.failures());
    assertTrue(heap.servingAfter());
    assertTrue(heap.usedBytes() > 0 && heap.cachedTotal() >= 150, heap.toString());
    assertTrue(r.peakRssBytes() > heap.usedBytes());
    assertTrue(r.profile().orElseThrow().contains("| top frame (self time)"), r.profile().orElseThrow());
    assertTrue(r.profile().orElseThrow().contains("dev.credbroker.server."), "no broker frames sampled");

    Path report = Files.writeString(dir.resolve("performance.md"), "# Performance\n\nkept\n");
    Report.writeSection(report, Report.render(r));
    Report.writeSection(report, Report.render(r)); // the second run replaces the first
    String text = Files.readString(report);
    assertTrue(text.startsWith("# Performance\n\nkept\n"), text);
    assertEquals(text.indexOf(Report.BEGIN), text.lastIndexOf(Report.BEGIN), "section duplicated");
    assertTrue(text.contains("| (c) cached GetAwsCredentials"), text);
    assertTrue(text.contains("### Targets"), text);
    assertTrue(Pattern.compile("\\| \\(e\\) at most one STS call per \\(role, caller\\) pair per credential"
        + " lifetime \\| \\d+ calls, at most \\d+ allowed \\| \\*\\*met\\*\\* \\|").matcher(text).find(), text);
  }
}
