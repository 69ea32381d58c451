package dev.credbroker.server.aws;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that goes into one STS call; two equal calls are interchangeable. With a web
 * identity the call is AssumeRoleWithWebIdentity and carries the caller's token.
 */
public record AssumeRoleCall(
    Optional<WebIdentity> webIdentity,
    String roleArn,
    String sessionName,
    Duration duration,
    Map<String, String> sessionTags,
    List<String> transitiveTagKeys,
    Optional<String> sourceIdentity,
    Optional<String> sessionPolicy,
    List<String> policyArns,
    Optional<String> externalId) {

  /** A caller's token for AssumeRoleWithWebIdentity; equal by the token's hash only. */
  public record WebIdentity(dev.credbroker.server.model.Secret token, String tokenHash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof WebIdentity w && w.tokenHash.equals(tokenHash);
    }

    @Override
    public int hashCode() {
      return tokenHash.hashCode();
    }
  }

  /** An AssumeRole call with the broker's own credentials. */
  public static AssumeRoleCall assumeRole(String roleArn, String sessionName, Duration duration,
      Map<String, String> sessionTags, List<String> transitiveTagKeys,
      Optional<String> sourceIdentity, Optional<String> sessionPolicy, List<String> policyArns,
      Optional<String> externalId) {
    return new AssumeRoleCall(Optional.empty(), roleArn, sessionName, duration, sessionTags,
        transitiveTagKeys, sourceIdentity, sessionPolicy, policyArns, externalId);
  }

  public AssumeRoleCall {
    sessionTags = Map.copyOf(sessionTags);
    transitiveTagKeys = List.copyOf(transitiveTagKeys);
    policyArns = List.copyOf(policyArns);
  }
}
