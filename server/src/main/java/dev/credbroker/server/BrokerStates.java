package dev.credbroker.server;

import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.grpc.BrokerState;
import dev.credbroker.server.limits.RateLimiter;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.ServerMetrics.Reload;
import dev.credbroker.server.revocation.RevocationBook;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the broker's current {@link BrokerState} and replaces it when the config file changes.
 * A file that does not validate changes nothing: the running configuration stays, and the log
 * says why, with the key path. The authenticator (and its key and token caches) is kept when
 * the issuers did not change, and the rate limiter (and its buckets' state) when
 * {@code rate_limits} did not; changed limits apply to new calls at once, except
 * {@code rate_limits.aws}, which sizes the AWS call caps at start. Changes under {@code server:}
 * and {@code audit:} need a restart and are reported.
 */
final class BrokerStates implements Supplier<BrokerState> {
  private static final Logger log = LoggerFactory.getLogger(BrokerStates.class);

  private final Optional<Path> file;
  private final UnaryOperator<BrokerConfig> adjust;
  private final Clock clock;
  private final Executor io;
  private final BrokerMetrics metrics;
  private final RevocationBook revocations;
  private final AtomicReference<Loaded> current = new AtomicReference<>();

  private record Loaded(BrokerConfig config, BrokerState state) {}

  /** {@code adjust} is applied to every loaded file (dev mode adds its issuer). */
  BrokerStates(Optional<Path> file, BrokerConfig initial, UnaryOperator<BrokerConfig> adjust, Clock clock,
      Executor io) {
    this(file, initial, adjust, clock, io, BrokerMetrics.detached(), RevocationBook.disabled());
  }

  /**
   * Counting reloads and authenticating with metrics in {@code metrics}; every state enforces
   * {@code revocations}.
   */
  BrokerStates(Optional<Path> file, BrokerConfig initial, UnaryOperator<BrokerConfig> adjust,
      Clock clock, Executor io, BrokerMetrics metrics, RevocationBook revocations) {
    this.metrics = metrics;
    this.file = file;
    this.adjust = adjust;
    this.clock = clock;
    this.io = io;
    this.revocations = revocations;
    current.set(new Loaded(initial, build(initial, null)));
  }

  /** The configuration in effect. */
  BrokerConfig config() {
    return current.get().config();
  }

  @Override
  public BrokerState get() {
    return current.get().state();
  }

  /** Re-reads the file; returns whether a new configuration took effect. */
  synchronized boolean reload() {
    if (file.isEmpty()) {
      log.info("no config file was given; nothing to reload");
      return false;
    }
    BrokerConfig next;
    try {
      next = adjust.apply(ConfigLoader.load(file.get()));
    } catch (ConfigException e) {
      log.warn("config reload refused, the running configuration stays: {}", e.getMessage());
      metrics.server().configReload(Reload.REFUSED);
      return false;
    }
    Loaded before = current.get();
    if (next.equals(before.config())) {
      log.info("config file re-read; nothing changed");
      metrics.server().configReload(Reload.UNCHANGED);
      return false;
    }
    if (!next.server().equals(before.config().server())) {
      log.warn("server settings changed in {}; they take effect only after a restart", file.get());
    }
    if (!next.audit().equals(before.config().audit())) {
      log.warn("audit settings changed in {}; they take effect only after a restart", file.get());
    }
    if (!next.rateLimits().aws().equals(before.config().rateLimits().aws())) {
      log.warn("rate_limits.aws changed in {}; it takes effect only after a restart", file.get());
    }
    if (!next.metrics().equals(before.config().metrics())) {
      log.warn("metrics settings changed in {}; they take effect only after a restart", file.get());
    }
    current.set(new Loaded(next, build(next, before)));
    metrics.server().configReload(Reload.APPLIED);
    log.info("config reloaded: {} issuers, {} roles, {} secrets, {} rules", next.issuers().size(),
        next.roles().size(), next.secrets().size(), next.rules().size());
    return true;
  }

  private BrokerState build(BrokerConfig config, Loaded before) {
    boolean same = before != null && before.config().issuers().equals(config.issuers());
    Authenticator authenticator = same ? before.state().authenticator()
        : Authenticator.create(config.issuers(), clock, io, metrics.auth());
    if (!same && before != null) {
      authenticator.loadKeys(); // as at start, so health need not wait for a first token
    }
    boolean sameLimits = before != null
        && before.config().rateLimits().equals(config.rateLimits());
    RateLimiter limits = sameLimits ? before.state().limits()
        : new RateLimiter(config.rateLimits(), clock);
    return new BrokerState(authenticator, new PolicyEngine(config), revocations, limits);
  }
}
