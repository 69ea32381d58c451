package dev.credbroker.server.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One version of a Secrets Manager secret as GetSecretValue returned it. Exactly one of
 * {@code string} and {@code binary} is present; both are redacted, so printing or logging this
 * record shows only the name, ARN, version and stages. {@code awsRequestId} is that of the call
 * that fetched it, also when the value is later served from the cache.
 */
public record SecretVersion(
    String name,
    String arn,
    String versionId,
    List<String> versionStages,
    Optional<Instant> createdDate,
    Optional<Secret> string,
    Optional<SecretBytes> binary,
    String awsRequestId) {

  /** Secrets Manager's limit for SecretString and SecretBinary (API reference, "Quotas"). */
  public static final int MAX_VALUE_BYTES = 65_536;

  public SecretVersion {
    versionStages = List.copyOf(versionStages);
    if (string.isPresent() == binary.isPresent()) {
      throw new IllegalArgumentException("exactly one of a string and a binary value");
    }
  }

  /** The value's size in bytes (UTF-8 for strings), for the 64 KiB limit. */
  public int valueBytes() {
    return string.map(s -> s.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .orElseGet(() -> binary.orElseThrow().length());
  }
}
