package dev.credbroker.core.config;

import java.time.Duration;

/**
 * The {@code rate_limits} section: token buckets per caller identity (issuer + subject), per role
 * and per secret, and a cap on concurrent AWS calls. Named {@code rate_limits} because
 * {@code server.limits} already holds the transport's limits (message sizes, keepalive).
 *
 * <p>Each scope has two buckets: {@code requests}, charged by every call (for a role or secret:
 * every allowed one), and {@code uncached}, charged only by the calls that reach AWS (cache misses
 * and forced refreshes). Cache hits cost microseconds, an STS or Secrets Manager call counts
 * against the account's AWS quota, so the second is much smaller. The defaults let a well-behaved
 * fleet through (one identity is often shared by every replica of a service) and stop a client
 * stuck in a loop.
 */
public record RateLimitsConfig(boolean enabled, Scope caller, Scope role, Scope secret,
    long maxTrackedCallers, AwsCalls aws) {

  /** Requests per second (refilled continuously) and the burst a full bucket allows. */
  public record Rate(double perSecond, long burst) {
    /** How long an unused bucket takes to fill up again; after that it may be forgotten. */
    public Duration refill() {
      return Duration.ofNanos((long) Math.ceil(burst / perSecond * 1e9));
    }
  }

  /** The buckets of one scope: every call, and the calls that reach AWS. */
  public record Scope(Rate requests, Rate uncached) {}

  /**
   * At most {@code sts} STS and {@code secretsManager} Secrets Manager calls in flight; a call
   * waits up to {@code maxWait} for a slot, then is refused.
   */
  public record AwsCalls(int sts, int secretsManager, Duration maxWait) {}

  public static final RateLimitsConfig DEFAULTS = new RateLimitsConfig(true,
      new Scope(new Rate(50, 100), new Rate(2, 20)),
      new Scope(new Rate(1000, 2000), new Rate(20, 100)),
      new Scope(new Rate(1000, 2000), new Rate(20, 100)),
      100_000, new AwsCalls(16, 32, Duration.ofSeconds(1)));

  /** No limits (tests and tools that build a configuration by hand). */
  public static final RateLimitsConfig OFF = new RateLimitsConfig(false, DEFAULTS.caller(),
      DEFAULTS.role(), DEFAULTS.secret(), DEFAULTS.maxTrackedCallers(), DEFAULTS.aws());

  static final double MAX_PER_SECOND = 1_000_000;
  static final long MAX_BURST = 10_000_000;

  static RateLimitsConfig read(ConfigNode n) throws ConfigException {
    RateLimitsConfig d = DEFAULTS;
    RateLimitsConfig c = new RateLimitsConfig(n.bool("enabled").orElse(true),
        scope(n, "caller", d.caller()), scope(n, "role", d.role()),
        scope(n, "secret", d.secret()),
        n.integer("max_tracked_callers", 1_000, 10_000_000).orElse(d.maxTrackedCallers()),
        aws(n.mapping("aws"), d.aws()));
    n.rejectUnknownKeys();
    return c;
  }

  private static Scope scope(ConfigNode parent, String key, Scope d) throws ConfigException {
    ConfigNode n = parent.mapping(key);
    Scope s = new Scope(rate(n, "requests", d.requests()), rate(n, "uncached", d.uncached()));
    n.rejectUnknownKeys();
    return s;
  }

  private static Rate rate(ConfigNode parent, String key, Rate d) throws ConfigException {
    ConfigNode n = parent.mapping(key);
    Rate r = new Rate(n.decimal("per_second", 0.001, MAX_PER_SECOND).orElse(d.perSecond()),
        n.integer("burst", 1, MAX_BURST).orElse(d.burst()));
    n.rejectUnknownKeys();
    return r;
  }

  private static AwsCalls aws(ConfigNode n, AwsCalls d) throws ConfigException {
    AwsCalls a = new AwsCalls(
        n.integer("sts_concurrency", 1, 10_000).map(Math::toIntExact).orElse(d.sts()),
        n.integer("secrets_manager_concurrency", 1, 10_000).map(Math::toIntExact)
            .orElse(d.secretsManager()),
        n.duration("max_wait", Duration.ZERO, Duration.ofMinutes(1)).orElse(d.maxWait()));
    n.rejectUnknownKeys();
    return a;
  }
}
