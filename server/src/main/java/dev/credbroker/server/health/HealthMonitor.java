package dev.credbroker.server.health;

import dev.credbroker.server.metrics.KeySetState;
import dev.credbroker.server.metrics.Probe;
import dev.credbroker.server.ops.DaemonThreads;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps gRPC health and {@code /readyz} truthful: looks at the {@link HealthChecks} every
 * {@code interval} (and whenever asked), reports SERVING or NOT_SERVING to the listener, and logs
 * each change of each check once, not once per look.
 */
public final class HealthMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  private final HealthChecks checks;
  private final Consumer<Boolean> serving;
  private final BooleanSupplier accepting;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("credbroker-health"));
  private Verdict last; // guarded by this
  private final Map<String, Boolean> issuerHealthy = new HashMap<>(); // guarded by this

  /**
   * {@code serving} receives every verdict (gRPC health); {@code accepting} says whether the
   * listener takes calls at all (started, not stopping).
   */
  public HealthMonitor(HealthChecks checks, Consumer<Boolean> serving, BooleanSupplier accepting) {
    this.checks = checks;
    this.serving = serving;
    this.accepting = accepting;
  }

  /** Looks now, then every {@code interval}. */
  public HealthMonitor start(Duration interval) {
    check();
    long millis = Math.max(1, interval.toMillis());
    timer.scheduleWithFixedDelay(this::lookSafely, millis, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  private void lookSafely() {
    try {
      checks.retryKeys().run();
      check();
    } catch (RuntimeException e) {
      log.error("health check failed unexpectedly: {}", e.toString());
    }
  }

  /** One look: evaluates, reports to gRPC health, logs what changed; returns whether serving. */
  public synchronized boolean check() {
    Verdict now = Verdict.of(checks.auditWritable().getAsBoolean(), checks.keySets().get());
    logChanges(now);
    last = now;
    serving.accept(now.serving());
    return now.serving();
  }

  /** {@code /readyz}: taking calls and serving; the details say why not. */
  public Probe readiness() {
    Verdict v;
    synchronized (this) {
      v = last == null ? Verdict.of(checks.auditWritable().getAsBoolean(), List.of()) : last;
    }
    boolean open = accepting.getAsBoolean();
    List<String> details = new java.util.ArrayList<>(v.details());
    details.add(0, "grpc listener: " + (open ? "accepting calls" : "not accepting calls"));
    return new Probe(open && v.serving(), details);
  }

  /** {@code /healthz}: the process answers; restarting it would not fix an IdP or a disk. */
  public Probe liveness() {
    return new Probe(true, List.of());
  }

  private void logChanges(Verdict now) {
    if (last == null || last.auditWritable() != now.auditWritable()) {
      if (!now.auditWritable()) {
        log.warn("health: the audit log cannot be written; reporting NOT_SERVING");
      } else if (last != null) {
        log.info("health: the audit log is writable again");
      }
    }
    for (KeySetState k : now.keySets()) {
      Boolean before = issuerHealthy.put(k.issuer(), k.healthy());
      if (!Objects.equals(before, k.healthy()) && (before != null || !k.healthy())) {
        if (k.healthy()) {
          log.info("health: issuer {} has usable signing keys again", k.issuer());
        } else {
          log.warn("health: issuer {} has no usable signing keys: {}", k.issuer(),
              Verdict.describe(k));
        }
      }
    }
    if (last == null ? !now.serving() : last.serving() != now.serving()) {
      if (now.serving()) {
        log.info("health: SERVING");
      } else {
        log.warn("health: NOT_SERVING ({})", String.join("; ", now.details()));
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
