package dev.credbroker.server.grpc;

import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.limits.RateLimiter;
import dev.credbroker.server.revocation.RevocationBook;

/**
 * Everything a request decides with, from one configuration. A request reads the current state
 * once and keeps it to the end, so a reload never mixes two configurations in one decision. The
 * revocation book is live: a revocation applies to the next call whatever configuration it runs
 * on. {@code limits} are the configuration's rate limits (kept across reloads that leave
 * {@code rate_limits} unchanged).
 */
public record BrokerState(Authenticator authenticator, PolicyEngine policy,
    RevocationBook revocations, RateLimiter limits) {

  /** A state without rate limits. */
  public BrokerState(Authenticator authenticator, PolicyEngine policy,
      RevocationBook revocations) {
    this(authenticator, policy, revocations, RateLimiter.NONE);
  }

  /** A state without revocation or rate limits (tests, and tools that never issue). */
  public BrokerState(Authenticator authenticator, PolicyEngine policy) {
    this(authenticator, policy, RevocationBook.disabled());
  }
}
