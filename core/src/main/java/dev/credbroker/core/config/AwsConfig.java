package dev.credbroker.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How the broker reaches AWS with its own credentials (the AWS SDK default chain: environment,
 * profile, container or instance role). Without {@code region} the SDK's region chain applies
 * (e.g. {@code AWS_REGION}); {@code endpoint} points STS, and {@code secrets_manager_endpoint}
 * Secrets Manager, and {@code iam_endpoint} IAM (targeted revocation), at a compatible endpoint
 * (LocalStack, a VPC endpoint, a test fake). Without them the SDK honours {@code
 * AWS_ENDPOINT_URL_STS}, {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, {@code AWS_ENDPOINT_URL_IAM}
 * and {@code AWS_ENDPOINT_URL}.
 */
public record AwsConfig(Optional<String> region, Optional<URI> endpoint, Duration callTimeout,
    Optional<URI> secretsManagerEndpoint, Optional<URI> iamEndpoint) {

  public static final AwsConfig DEFAULTS =
      new AwsConfig(Optional.empty(), Optional.empty(), Duration.ofSeconds(10));

  /** Without an IAM endpoint override. */
  public AwsConfig(Optional<String> region, Optional<URI> endpoint, Duration callTimeout,
      Optional<URI> secretsManagerEndpoint) {
    this(region, endpoint, callTimeout, secretsManagerEndpoint, Optional.empty());
  }

  /** Without a Secrets Manager endpoint override. */
  public AwsConfig(Optional<String> region, Optional<URI> endpoint, Duration callTimeout) {
    this(region, endpoint, callTimeout, Optional.empty());
  }

  /** The same settings with a Secrets Manager endpoint override. */
  public AwsConfig withSecretsManagerEndpoint(URI uri) {
    return new AwsConfig(region, endpoint, callTimeout, Optional.of(uri), iamEndpoint);
  }

  static AwsConfig read(ConfigNode n) throws ConfigException {
    Optional<String> region = n.string("region");
    if (region.isPresent() && !region.get().matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
      throw new ConfigException(n.pathOf("region"), "not an AWS region such as us-east-1, got "
          + ConfigNode.quote(region.get()));
    }
    AwsConfig aws = new AwsConfig(region, endpoint(n, "endpoint"),
        n.duration("call_timeout", Duration.ofSeconds(1), Duration.ofMinutes(2))
            .orElse(DEFAULTS.callTimeout()),
        endpoint(n, "secrets_manager_endpoint"), endpoint(n, "iam_endpoint"));
    n.rejectUnknownKeys();
    return aws;
  }

  private static Optional<URI> endpoint(ConfigNode n, String key) throws ConfigException {
    Optional<String> text = n.string(key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(text.get());
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(n.pathOf(key), "not a URL: " + ConfigNode.quote(text.get()));
    }
    if (!IssuerConfig.isAllowedKeyUrl(uri)) {
      throw new ConfigException(n.pathOf(key), "must be https:// (http:// only for a"
          + " literal loopback host), got " + ConfigNode.quote(text.get()));
    }
    return Optional.of(uri);
  }
}
