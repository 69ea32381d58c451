package dev.credbroker.server.aws;

import dev.credbroker.server.aws.AwsCallException.Kind;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * A role's inline policies through IAM: the one IAM write the broker makes, for targeted
 * revocation. Failures come back as {@link AwsCallException}s with AWS's code and an escaped,
 * bounded message, as STS and Secrets Manager failures do.
 */
public final class RolePolicies {
  private static final Map<String, Kind> KINDS = Map.of(
      "AccessDenied", Kind.DENIED,
      "NoSuchEntity", Kind.NOT_FOUND,
      "MalformedPolicyDocument", Kind.INVALID,
      "LimitExceeded", Kind.INVALID);

  private final IamClient iam;

  public RolePolicies(IamClient iam) {
    this.iam = iam;
  }

  public void put(String roleName, String policyName, String document) throws AwsCallException {
    AwsErrors.send("IAM", iam, c -> c.putRolePolicy(r -> r.roleName(roleName)
        .policyName(policyName).policyDocument(document)), KINDS);
  }

  /** Deletes the policy; one that is already gone counts as deleted. */
  public void delete(String roleName, String policyName) throws AwsCallException {
    try {
      AwsErrors.send("IAM", iam, c -> c.deleteRolePolicy(r -> r.roleName(roleName)
          .policyName(policyName)), KINDS);
    } catch (AwsCallException e) {
      if (e.kind() != Kind.NOT_FOUND) {
        throw e;
      }
    }
  }
}
