package dev.credbroker.server.cache;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.config.RoleConfig;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.core.policy.RoleGrant;
import dev.credbroker.core.policy.Target;
import dev.credbroker.core.revocation.Revocations;
import dev.credbroker.server.aws.AssumeRoleCall;
import dev.credbroker.server.aws.SessionNames;
import dev.credbroker.server.limits.Quota;
import dev.credbroker.server.limits.RateLimitedException;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.Outcome;
import dev.credbroker.server.model.Secret;
import dev.credbroker.server.revocation.RevocationBook;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Turns an entitled request into credentials: decide, derive the session name and duration from
 * the grant, then take them from the cache or STS. Nothing reaches STS without an allow decision.
 */
public final class CredentialVendor {
  private final CredentialCache cache;
  private final Duration defaultDuration;

  public CredentialVendor(CredentialCache cache, Duration defaultDuration) {
    this.cache = cache;
    this.defaultDuration = defaultDuration;
  }

  /** What was handed out, and on what grounds (for the response and the audit record). */
  public record Vended(IssuedCredentials credentials, boolean cacheHit, Decision decision,
      String sessionName) {}

  /**
   * Allowed with the credential, Denied with the policy's decision; AWS failures complete the
   * future exceptionally (the caller maps them to a status).
   */

  /**
   * {@code callerToken} is used only for roles in {@code web_identity} mode, where it becomes the
   * WebIdentityToken; its hash keys the cache so each token gets its own session.
   */
  public CompletableFuture<Outcome<Vended>> vend(PolicyEngine policy, PolicyInput in, String subject,
      String roleAlias, Optional<Duration> requested, Secret callerToken, String tokenHash) {
    return vend(policy, in, subject, roleAlias, requested, callerToken, tokenHash,
        RevocationBook.disabled(), null, Quota.NONE);
  }

  /**
   * As above, and refused when a revocation names the source identity the grant would set on the
   * session ({@code facts}: the caller as revocations see it; the other targets were checked
   * before the call reached the vendor). An allowed request is charged to {@code quota}, and to
   * its uncached buckets too when it makes an STS call.
   */
  public CompletableFuture<Outcome<Vended>> vend(PolicyEngine policy, PolicyInput in, String subject,
      String roleAlias, Optional<Duration> requested, Secret callerToken, String tokenHash,
      RevocationBook revocations, Revocations.Caller facts, Quota quota) {
    Decision decision = policy.decide(in, Target.role(roleAlias));
    if (!decision.allowed()) {
      return CompletableFuture.completedFuture(new Outcome.Denied<>(decision, decision.target()));
    }
    try {
      quota.allowed(decision.target());
    } catch (RateLimitedException limited) {
      return CompletableFuture.failedFuture(limited);
    }
    RoleGrant grant = decision.roleGrant().orElseThrow();
    if (grant.sourceIdentity().isPresent() && !revocations.quiet()
        && revocations.check(facts, new Revocations.Asked.Role(roleAlias, grant.sourceIdentity()))
            instanceof RevocationBook.Verdict.Revoked revoked) {
      return CompletableFuture.completedFuture(new Outcome.Revoked<>(revoked.revocation().id(),
          revoked.revocation().reason()));
    }
    Duration wanted = requested.orElse(defaultDuration);
    Duration duration = wanted.compareTo(grant.maxDuration()) < 0 ? wanted : grant.maxDuration();
    String sessionName = SessionNames.of(in.issuer(), subject, grant.role().sessionName()
        .flatMap(t -> t.render(in.claims())).orElse(subject));
    Optional<AssumeRoleCall.WebIdentity> web = grant.role().mode() == RoleConfig.Mode.WEB_IDENTITY
        ? Optional.of(new AssumeRoleCall.WebIdentity(callerToken, tokenHash)) : Optional.empty();
    AssumeRoleCall call = new AssumeRoleCall(web, grant.roleArn(), sessionName, duration,
        grant.sessionTags(), grant.role().transitiveTagKeys(), grant.sourceIdentity(),
        grant.role().sessionPolicy(), grant.role().policyArns(), grant.role().externalId());
    return cache.get(call, () -> quota.uncached(decision.target()))
        .thenApply(l -> Outcome.Allowed.by(decision,
        new Vended(l.credentials(), l.cacheHit(), decision, sessionName),
        new Outcome.Handed.Credential(l.audit(), l.cacheHit() ? AuditEvent.Cache.HIT
            : AuditEvent.Cache.MISS, nonNull(l.credentials().awsRequestId()))));
  }

  static String nonNull(String awsRequestId) {
    return awsRequestId == null ? "" : awsRequestId;
  }
}
