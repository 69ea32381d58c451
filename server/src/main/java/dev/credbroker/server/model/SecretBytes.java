package dev.credbroker.server.model;

import java.security.MessageDigest;

/**
 * The binary twin of {@link Secret}: a binary secret value (a keystore, a key file). Redacted
 * {@code toString()}, an explicit {@link #reveal()}, constant-time equality, and defensive copies
 * both ways so no caller can change the value another caller will receive.
 */
public final class SecretBytes {
  private final byte[] value;

  private SecretBytes(byte[] value) {
    this.value = value.clone();
  }

  public static SecretBytes of(byte[] value) {
    return new SecretBytes(value);
  }

  /** A copy of the value; call only where it leaves the broker for its rightful recipient. */
  public byte[] reveal() {
    return value.clone();
  }

  public int length() {
    return value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretBytes other && MessageDigest.isEqual(value, other.value);
  }

  @Override
  public int hashCode() {
    return 0; // a hash would leak a function of the value; secrets are not map keys
  }

  @Override
  public String toString() {
    return "<redacted " + value.length + " bytes>";
  }
}
