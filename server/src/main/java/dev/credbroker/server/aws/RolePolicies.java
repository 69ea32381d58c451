package dev.credbroker.server.aws;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.aws.AwsCallException.Kind;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
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

  private final LazyClient<IamClient> iam;

  private RolePolicies(LazyClient<IamClient> iam) {
    this.iam = iam;
  }

  /** Through {@code iam} (tests). */
  public RolePolicies(IamClient iam) {
    this(new LazyClient<>("IAM", () -> iam));
  }

  /** IAM as {@code config} reaches AWS, built on first use. */
  public static RolePolicies create(AwsConfig config, AwsCredentialsProvider credentials) {
    return new RolePolicies(new LazyClient<>("IAM", () -> {
      var b = IamClient.builder().region(Region.AWS_GLOBAL)
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .credentialsProvider(credentials)
          .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout()));
      config.iamEndpoint().ifPresent(b::endpointOverride);
      return b.build();
    }));
  }

  /** Releases the SDK client, if one was built. */
  public void close() {
    iam.close();
  }

  public void put(String roleName, String policyName, String document) throws AwsCallException {
    AwsErrors.send("IAM", iam.get(), c -> c.putRolePolicy(r -> r.roleName(roleName)
        .policyName(policyName).policyDocument(document)), KINDS);
  }

  /** Deletes the policy; one that is already gone counts as deleted. */
  public void delete(String roleName, String policyName) throws AwsCallException {
    try {
      AwsErrors.send("IAM", iam.get(), c -> c.deleteRolePolicy(r -> r.roleName(roleName)
          .policyName(policyName)), KINDS);
    } catch (AwsCallException e) {
      if (e.kind() != Kind.NOT_FOUND) {
        throw e;
      }
    }
  }
}
