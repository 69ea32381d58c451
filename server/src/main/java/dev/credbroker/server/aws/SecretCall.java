package dev.credbroker.server.aws;

import java.util.Optional;

/**
 * Everything that goes into one Secrets Manager GetSecretValue; two equal calls return the same
 * version. Limits are the API reference's: SecretId 1-2048 characters, VersionId 32-64,
 * VersionStage 1-256; AWS takes at most one of the two version selectors from the broker.
 */
public record SecretCall(String secretId, Optional<String> versionId,
    Optional<String> versionStage) {
  /** The stage AWS returns when no version is named; requests without one are keyed by it. */
  public static final String CURRENT = "AWSCURRENT";

  public SecretCall {
    if (versionId.isPresent() && versionStage.isPresent()) {
      throw new IllegalArgumentException("a version id or a version stage, not both");
    }
  }

  public static SecretCall current(String secretId) {
    return new SecretCall(secretId, Optional.empty(), Optional.of(CURRENT));
  }
}
