package dev.credbroker.server.cache;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.config.SecretConfig;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.core.policy.Target;
import dev.credbroker.server.aws.AssumeRoleCall;
import dev.credbroker.server.aws.SecretCall;
import dev.credbroker.server.limits.Quota;
import dev.credbroker.server.limits.RateLimitedException;
import dev.credbroker.server.model.Outcome;
import dev.credbroker.server.model.SecretVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Turns an entitled request into a secret value: resolve the alias, decide, then take the value
 * from the cache or Secrets Manager. Nothing reaches AWS without an allow decision, so only an
 * entitled caller can ever learn that a secret or version does not exist.
 */
public final class SecretVendor {
  /** The session name of the broker's own sessions for secrets read with a role. */
  static final String ROLE_SESSION = "credbroker-secrets";
  private static final Duration ROLE_SESSION_DURATION = Duration.ofHours(1);

  private final SecretCache cache;
  private final ForceRefreshLimiter limiter;

  public SecretVendor(SecretCache cache, java.time.Clock clock) {
    this.cache = cache;
    this.limiter = new ForceRefreshLimiter(clock, 100_000);
  }

  /** What was handed out, and on what grounds (for the response and the audit record). */
  public record Vended(SecretVersion version, SecretCache.Source source, Decision decision,
      String alias, String secretId) {
    public boolean cacheHit() {
      return source != SecretCache.Source.MISS;
    }
  }

  /** One read of a secret; {@code requested} is what the caller wrote, alias or id. */
  public record Request(String requested, Optional<String> versionId,
      Optional<String> versionStage, boolean forceRefresh) {}

  /**
   * Allowed with the version read, Denied with the policy's decision; AWS failures and a refused
   * forced refresh complete the future exceptionally (the caller maps them to a status).
   */
  public CompletableFuture<Outcome<Vended>> vend(PolicyEngine policy, PolicyInput in,
      String subject, Request request) {
    return vend(policy, in, subject, request, Quota.NONE);
  }

  /**
   * As above; an allowed request is charged to {@code quota}, and to its uncached buckets too
   * when it reads Secrets Manager.
   */
  public CompletableFuture<Outcome<Vended>> vend(PolicyEngine policy, PolicyInput in,
      String subject, Request request, Quota quota) {
    String alias = policy.secretAlias(request.requested());
    Target target = Target.secret(alias);
    Decision decision = policy.decide(in, target);
    if (!decision.allowed()) {
      return CompletableFuture.completedFuture(
          new Outcome.Denied<>(decision, Target.secret(request.requested())));
    }
    try {
      quota.allowed(target);
    } catch (RateLimitedException limited) {
      return CompletableFuture.failedFuture(limited);
    }
    SecretConfig secret = policy.secret(alias).orElseThrow();
    if (request.forceRefresh()) {
      Optional<Duration> wait = limiter.acquire(in.issuer() + "\u0000" + subject + "\u0000" + alias,
          secret.forceRefreshInterval());
      if (wait.isPresent()) {
        return CompletableFuture.failedFuture(ForceRefreshLimiter.refusal(request.requested(),
            secret.forceRefreshInterval(), wait.get()));
      }
    }
    SecretCall call = request.versionId().isPresent() || request.versionStage().isPresent()
        ? new SecretCall(secret.secretId(), request.versionId(), request.versionStage())
        : SecretCall.current(secret.secretId());
    Optional<AssumeRoleCall> role = secret.roleArn().map(arn -> AssumeRoleCall.assumeRole(arn,
        ROLE_SESSION, ROLE_SESSION_DURATION, Map.of(), List.of(), Optional.empty(),
        Optional.empty(), List.of(), secret.externalId()));
    var freshness = new SecretCache.Freshness(secret.cacheTtl(), secret.staleGrace());
    return cache.get(new SecretCache.Key(call, role), freshness, request.forceRefresh(),
            () -> quota.uncached(target))
        .thenApply(l -> Outcome.Allowed.by(decision,
            new Vended(l.version(), l.source(), decision, alias, secret.secretId()),
            new Outcome.Handed.SecretRead(new AuditEvent.SecretRead(l.version().versionId(),
                l.version().versionStages()), switch (l.source()) {
                  case HIT -> AuditEvent.Cache.HIT;
                  case MISS -> AuditEvent.Cache.MISS;
                  case STALE -> AuditEvent.Cache.STALE;
                }, CredentialVendor.nonNull(l.version().awsRequestId()))));
  }
}
