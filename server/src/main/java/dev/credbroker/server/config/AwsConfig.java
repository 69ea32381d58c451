package dev.credbroker.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How the broker reaches AWS with its own credentials (the AWS SDK default chain: environment,
 * profile, container or instance role). Without {@code region} the SDK's region chain applies
 * (e.g. {@code AWS_REGION}); {@code endpoint} points STS at a compatible endpoint (LocalStack, a
 * VPC endpoint, a test fake). {@code AWS_ENDPOINT_URL_STS}/{@code AWS_ENDPOINT_URL} are honoured
 * by the SDK when {@code endpoint} is not set.
 */
public record AwsConfig(Optional<String> region, Optional<URI> endpoint, Duration callTimeout) {

  public static final AwsConfig DEFAULTS =
      new AwsConfig(Optional.empty(), Optional.empty(), Duration.ofSeconds(10));

  static AwsConfig read(ConfigNode n) throws ConfigException {
    Optional<String> region = n.string("region");
    if (region.isPresent() && !region.get().matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
      throw new ConfigException(n.pathOf("region"), "not an AWS region such as us-east-1, got "
          + ConfigNode.quote(region.get()));
    }
    Optional<URI> endpoint = Optional.empty();
    Optional<String> text = n.string("endpoint");
    if (text.isPresent()) {
      URI uri;
      try {
        uri = new URI(text.get());
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException(n.pathOf("endpoint"), "not a URL: " + ConfigNode.quote(text.get()));
      }
      if (!IssuerConfig.isAllowedKeyUrl(uri)) {
        throw new ConfigException(n.pathOf("endpoint"), "must be https:// (http:// only for a"
            + " literal loopback host), got " + ConfigNode.quote(text.get()));
      }
      endpoint = Optional.of(uri);
    }
    AwsConfig aws = new AwsConfig(region, endpoint,
        n.duration("call_timeout", Duration.ofSeconds(1), Duration.ofMinutes(2))
            .orElse(DEFAULTS.callTimeout()));
    n.rejectUnknownKeys();
    return aws;
  }
}
