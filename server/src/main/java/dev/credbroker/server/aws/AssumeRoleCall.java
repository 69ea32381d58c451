package dev.credbroker.server.aws;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything that goes into one STS AssumeRole request; two equal calls are interchangeable. */
public record AssumeRoleCall(
    String roleArn,
    String sessionName,
    Duration duration,
    Map<String, String> sessionTags,
    List<String> transitiveTagKeys,
    Optional<String> sourceIdentity,
    Optional<String> sessionPolicy,
    List<String> policyArns,
    Optional<String> externalId) {

  public AssumeRoleCall {
    sessionTags = Map.copyOf(sessionTags);
    transitiveTagKeys = List.copyOf(transitiveTagKeys);
    policyArns = List.copyOf(policyArns);
  }
}
