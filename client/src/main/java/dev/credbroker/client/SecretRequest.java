package dev.credbroker.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Which secret to read: an alias, optionally a version (by id or by stage label, not both), and
 * whether to bypass the broker's cache (e.g. after the cached password was rejected; rate limited).
 */
public record SecretRequest(String secret, Optional<String> versionId, Optional<String> versionStage,
    boolean forceRefresh) {

  public SecretRequest {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(versionId, "versionId");
    Objects.requireNonNull(versionStage, "versionStage");
    if (secret.isBlank()) {
      throw new IllegalArgumentException("secret alias is required");
    }
    if (versionId.isPresent() && versionStage.isPresent()) {
      throw new IllegalArgumentException("give a version id or a version stage, not both");
    }
  }

  /** The current version (AWSCURRENT) of the secret with this alias. */
  public static SecretRequest of(String secret) {
    return new SecretRequest(secret, Optional.empty(), Optional.empty(), false);
  }

  public SecretRequest withVersionId(String id) {
    return new SecretRequest(secret, Optional.of(id), versionStage, forceRefresh);
  }

  public SecretRequest withVersionStage(String stage) {
    return new SecretRequest(secret, versionId, Optional.of(stage), forceRefresh);
  }

  public SecretRequest withForceRefresh() {
    return new SecretRequest(secret, versionId, versionStage, true);
  }
}
