package dev.credbroker.server.grpc;

import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.revocation.RevocationBook;

/**
 * Everything a request decides with, from one configuration. A request reads the current state
 * once and keeps it to the end, so a reload never mixes two configurations in one decision. The
 * revocation book is live: a revocation applies to the next call whatever configuration it runs
 * on.
 */
public record BrokerState(Authenticator authenticator, PolicyEngine policy,
    RevocationBook revocations) {

  /** A state without revocation (tests, and tools that never issue). */
  public BrokerState(Authenticator authenticator, PolicyEngine policy) {
    this(authenticator, policy, RevocationBook.disabled());
  }
}
