package dev.credbroker.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Temporary AWS credentials for one role, as the broker vended them. {@code toString()} shows only
 * what is safe to log: the access key id, role, ARN and expiry.
 */
public record SessionCredentials(
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    Instant expiration,
    String assumedRoleArn,
    String region,
    String role,
    String sessionName,
    Optional<String> sourceIdentity) {

  public SessionCredentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(sessionToken, "sessionToken");
    Objects.requireNonNull(expiration, "expiration");
    Objects.requireNonNull(assumedRoleArn, "assumedRoleArn");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(sessionName, "sessionName");
    Objects.requireNonNull(sourceIdentity, "sourceIdentity");
  }

  /** The 12-digit account of the assumed-role ARN ({@code arn:aws:sts::ACCOUNT:assumed-role/...}). */
  public Optional<String> accountId() {
    String[] parts = assumedRoleArn.split(":", 6);
    return parts.length == 6 && parts[4].matches("\\d{12}") ? Optional.of(parts[4]) : Optional.empty();
  }

  /**
   * Whether every part AWS needs is present and the credentials are still valid {@code margin}
   * after {@code now}. Nothing hands out credentials that fail this.
   */
  public boolean usableAt(Instant now, java.time.Duration margin) {
    return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty() && !sessionToken.isEmpty()
        && now.plus(margin).isBefore(expiration);
  }

  @Override
  public String toString() {
    return "SessionCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=<redacted>,"
        + " sessionToken=<redacted>, expiration=" + expiration + ", assumedRoleArn=" + assumedRoleArn
        + ", role=" + role + "]";
  }
}
