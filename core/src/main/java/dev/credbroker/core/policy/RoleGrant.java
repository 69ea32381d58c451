package dev.credbroker.core.policy;

import dev.credbroker.core.config.RoleConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What an allowed role request may put into its STS call: the role's fixed settings (ARN, session
 * policy, managed policies, external id, transitive tag keys) plus what was resolved for this
 * caller, already checked against AWS's limits.
 */
public record RoleGrant(
    RoleConfig role,
    Duration maxDuration,
    Map<String, String> sessionTags,
    Optional<String> sourceIdentity) {

  public RoleGrant {
    sessionTags = Map.copyOf(sessionTags);
  }

  public String roleArn() {
    return role.arn();
  }
}
