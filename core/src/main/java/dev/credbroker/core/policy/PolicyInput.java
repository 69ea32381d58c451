package dev.credbroker.core.policy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a decision may depend on: the caller's verified issuer and claims, its network address and
 * the time. Built from a verified token by the broker, or from a claims file by policy tooling.
 */
public record PolicyInput(String issuer, Map<String, Object> claims, Optional<InetAddress> source,
    Instant at) {

  public PolicyInput {
    claims = Map.copyOf(claims);
  }
}
