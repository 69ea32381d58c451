package dev.credbroker.server.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything an allowed role request may put into its STS call, computed from the role's settings
 * and the caller's claims, already checked against AWS's limits.
 */
public record RoleGrant(
    String roleArn,
    Duration maxDuration,
    Map<String, String> sessionTags,
    List<String> transitiveTagKeys,
    Optional<String> sourceIdentity,
    Optional<String> sessionPolicy,
    List<String> policyArns,
    Optional<String> externalId) {

  public RoleGrant {
    sessionTags = Map.copyOf(sessionTags);
    transitiveTagKeys = List.copyOf(transitiveTagKeys);
    policyArns = List.copyOf(policyArns);
  }
}
