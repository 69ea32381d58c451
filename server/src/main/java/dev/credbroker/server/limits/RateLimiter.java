package dev.credbroker.server.limits;

import dev.credbroker.core.config.RateLimitsConfig;
import dev.credbroker.core.config.RateLimitsConfig.Rate;
import dev.credbroker.core.config.Durations;
import dev.credbroker.core.policy.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The token buckets of one {@code rate_limits} configuration: per caller identity (issuer +
 * subject), per role and per secret, each for every call and for calls that reach AWS. A reload
 * with the same section keeps the limiter, and with it the buckets' state; a changed section
 * starts new, full buckets.
 */
public final class RateLimiter {
  /** Limits nothing. */
  public static final RateLimiter NONE = new RateLimiter(RateLimitsConfig.OFF, Clock.systemUTC());

  private final RateLimitsConfig config;
  private final Buckets caller;
  private final Buckets callerUncached;
  private final Buckets role;
  private final Buckets roleUncached;
  private final Buckets secret;
  private final Buckets secretUncached;

  public RateLimiter(RateLimitsConfig config, Clock clock) {
    this.config = config;
    long callers = config.maxTrackedCallers();
    // Roles and secrets are keyed by configured aliases only, so their maps stay small.
    long targets = Math.max(1_000, callers);
    caller = new Buckets(config.caller().requests(), callers, clock);
    callerUncached = new Buckets(config.caller().uncached(), callers, clock);
    role = new Buckets(config.role().requests(), targets, clock);
    roleUncached = new Buckets(config.role().uncached(), targets, clock);
    secret = new Buckets(config.secret().requests(), targets, clock);
    secretUncached = new Buckets(config.secret().uncached(), targets, clock);
  }

  public RateLimitsConfig config() {
    return config;
  }

  /** Charges one call of the identity {@code issuer} + {@code subject}. */
  public void call(String issuer, String subject) {
    if (config.enabled()) {
      charge(caller, new CallerKey(issuer, subject), Limit.CALLER, null);
    }
  }

  /** What the caller's allowed requests are charged against, once policy has allowed them. */
  public Quota quota(String issuer, String subject) {
    if (!config.enabled()) {
      return Quota.NONE;
    }
    CallerKey key = new CallerKey(issuer, subject);
    return new Quota() {
      @Override
      public void allowed(Target target) {
        if (target.kind() == Target.Kind.ROLE) {
          charge(role, target.alias(), Limit.ROLE, target);
        } else {
          charge(secret, target.alias(), Limit.SECRET, target);
        }
      }

      @Override
      public void uncached(Target target) {
        charge(callerUncached, key, Limit.CALLER_UNCACHED, null);
        if (target.kind() == Target.Kind.ROLE) {
          charge(roleUncached, target.alias(), Limit.ROLE_UNCACHED, target);
        } else {
          charge(secretUncached, target.alias(), Limit.SECRET_UNCACHED, target);
        }
      }
    };
  }

  /**
   * A caller's key: its issuer and subject as they are, so a call hashes the identity's own
   * strings (their hashes are kept) instead of building and hashing a joined one, twice a call.
   */
  private record CallerKey(String issuer, String subject) {}

  /**
   * Takes a token from {@code key}'s bucket, or refuses; {@code target} null for the caller's
   * buckets. The refusal's text is made only for a refusal, never for the calls that go ahead.
   */
  private static void charge(Buckets buckets, Object key, Limit limit, Target target) {
    Optional<Duration> wait = buckets.take(key);
    if (wait.isPresent()) {
      String who = target == null ? "this caller"
          : (target.kind() == Target.Kind.ROLE ? "role '" : "secret '") + target.alias() + "'";
      throw new RateLimitedException(limit, describe(limit, who, buckets.rate(), wait.get()),
          wait.get());
    }
  }

  /** E.g. "rate limit role: role 'deployer' may be requested 1000 times/s by all callers ...". */
  private static String describe(Limit limit, String who, Rate rate, Duration wait) {
    String per = plain(rate.perSecond());
    String allows = switch (limit) {
      case CALLER -> " may make " + per + " calls/s";
      case ROLE, SECRET -> " may be requested " + per + " times/s by all callers";
      default -> " may cause " + per + " AWS calls/s (cache misses and forced refreshes)";
    };
    return "rate limit " + limit.label() + ": " + who + allows + ", burst " + rate.burst()
        + "; retry in " + Durations.format(wait);
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
