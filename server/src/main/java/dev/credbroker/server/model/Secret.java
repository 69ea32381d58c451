package dev.credbroker.server.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A value that must never reach a log, an error or a metric: a secret access key, a session
 * token, a secret value. {@code toString()} is redacted; the value is read only through
 * {@link #reveal()}, which makes every use visible in review; equality is constant-time.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The value itself; call only where it leaves the broker for its rightful recipient. */
  public String reveal() {
    return value;
  }

  public int length() {
    return value.length();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other && MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // a hash would leak a function of the value; secrets are not map keys
  }

  @Override
  public String toString() {
    return "<redacted>";
  }
}
