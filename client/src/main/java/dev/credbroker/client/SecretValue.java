package dev.credbroker.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of a Secrets Manager secret. The value is either text or binary (at most 64 KiB,
 * the Secrets Manager limit) and is read only through {@link #secretString()} or
 * {@link #secretBinary()}; {@code toString()} shows the metadata and never the value, and equality
 * compares the value in constant time.
 */
public final class SecretValue {
  private final String secret;
  private final String name;
  private final String arn;
  private final String versionId;
  private final List<String> versionStages;
  private final Optional<Instant> createdDate;
  private final byte[] value;
  private final boolean binary;

  private SecretValue(String secret, String name, String arn, String versionId,
      List<String> versionStages, Optional<Instant> createdDate, byte[] value, boolean binary) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.name = Objects.requireNonNull(name, "name");
    this.arn = Objects.requireNonNull(arn, "arn");
    this.versionId = Objects.requireNonNull(versionId, "versionId");
    this.versionStages = List.copyOf(versionStages);
    this.createdDate = Objects.requireNonNull(createdDate, "createdDate");
    this.value = value;
    this.binary = binary;
  }

  /** A text secret (SecretString). */
  public static SecretValue ofString(String secret, String name, String arn, String versionId,
      List<String> versionStages, Optional<Instant> createdDate, String value) {
    return new SecretValue(secret, name, arn, versionId, versionStages, createdDate,
        value.getBytes(StandardCharsets.UTF_8), false);
  }

  /** A binary secret (SecretBinary). */
  public static SecretValue ofBinary(String secret, String name, String arn, String versionId,
      List<String> versionStages, Optional<Instant> createdDate, byte[] value) {
    return new SecretValue(secret, name, arn, versionId, versionStages, createdDate, value.clone(), true);
  }

  /** The alias the secret was granted under. */
  public String secret() {
    return secret;
  }

  /** The secret's name in Secrets Manager. */
  public String name() {
    return name;
  }

  public String arn() {
    return arn;
  }

  public String versionId() {
    return versionId;
  }

  public List<String> versionStages() {
    return versionStages;
  }

  public Optional<Instant> createdDate() {
    return createdDate;
  }

  public boolean isBinary() {
    return binary;
  }

  /** The text value; every call site is a place where the secret leaves this object. */
  public String secretString() {
    if (binary) {
      throw new IllegalStateException("secret '" + secret + "' is binary; use secretBinary()");
    }
    return new String(value, StandardCharsets.UTF_8);
  }

  /** A copy of the binary value. */
  public byte[] secretBinary() {
    if (!binary) {
      throw new IllegalStateException("secret '" + secret + "' is text; use secretString()");
    }
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue other && binary == other.binary && secret.equals(other.secret)
        && arn.equals(other.arn) && versionId.equals(other.versionId)
        && MessageDigest.isEqual(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(secret, arn, versionId); // never a function of the value
  }

  @Override
  public String toString() {
    return "SecretValue[secret=" + secret + ", name=" + name + ", versionId=" + versionId
        + ", versionStages=" + versionStages + ", " + (binary ? "binary" : "text") + " value <redacted>]";
  }
}
