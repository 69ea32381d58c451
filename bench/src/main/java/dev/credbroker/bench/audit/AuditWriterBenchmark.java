package dev.credbroker.bench.audit;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.server.audit.AuditWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Audit records per second through the real writer to a real file, each caller waiting for its
 * own record as a broker request does: with {@code fsync} (group commit: one flush per batch) and
 * with {@code os_buffered}. 8 callers and 64 callers show how batching grows with concurrency.
 * The file lives under {@code bench/target} (a disk, not tmpfs) or {@code -Daudit.dir}.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar AuditWriter}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class AuditWriterBenchmark {
  @Param({"FSYNC", "OS_BUFFERED"})
  public AuditConfig.Durability durability;

  private Path dir;
  private AuditWriter writer;
  private final AuditEvent event = new AuditEvent(Instant.parse("2026-11-24T10:00:00Z"),
      "0123456789abcdef0123456789abcdef", Rpc.GET_AWS_CREDENTIALS,
      Optional.of(new AuditEvent.Caller("https://idp.example.com/realms/corp", "svc-payments",
          "payments", Map.of("groups", List.of("payments")))),
      "10.1.2.3:51514", "3b1f0c9a2d4e5f60", Optional.of("payments-deployer"), Optional.empty(),
      AuditEvent.Decision.ALLOW, List.of("payments-services"),
      "role 'payments-deployer' allowed by rule payments-services", StatusCode.OK,
      Optional.of(new AuditEvent.IssuedCredential("ASIAEXAMPLEEXAMPLE01",
          "svc-payments.1f2e3d4c5b6a7980", "", Instant.parse("2026-11-24T11:00:00Z"),
          "arn:aws:sts::123456789012:assumed-role/payments-deployer/svc-payments.1f2e3d4c5b6a7980")),
      Optional.empty(), AuditEvent.Cache.HIT, "c6104cbe-0000-0000-0000-000000000000",
      Duration.ofNanos(48_211));

  @Setup
  public void open() throws IOException {
    Path base = Path.of(System.getProperty("audit.dir", "bench/target"));
    Files.createDirectories(base);
    dir = Files.createTempDirectory(base.toAbsolutePath(), "audit-bench-");
    writer = AuditWriter.open(new AuditConfig(AuditConfig.Sink.FILE,
        Optional.of(dir.resolve("audit.jsonl")), true, durability, 1L << 30, Optional.empty(),
        AuditConfig.Informational.RECORD, 1.0, List.of()), Clock.systemUTC());
  }

  @TearDown
  public void close() throws IOException {
    writer.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @Threads(8)
  public void record8Callers() throws Exception {
    writer.append(event).get();
  }

  @Benchmark
  @Threads(64)
  public void record64Callers() throws Exception {
    writer.append(event).get();
  }
}
