package dev.credbroker.server.grpc;

import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.server.auth.Authenticator;

/**
 * Everything a request decides with, from one configuration. A request reads the current state
 * once and keeps it to the end, so a reload never mixes two configurations in one decision.
 */
public record BrokerState(Authenticator authenticator, PolicyEngine policy) {}
