package dev.credbroker.server.grpc;

import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.policy.PolicyEngine;

/**
 * Everything a request decides with, from one configuration. A request reads the current state
 * once and keeps it to the end, so a reload never mixes two configurations in one decision.
 */
public record BrokerState(Authenticator authenticator, PolicyEngine policy) {}
