package dev.credbroker.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A call to the broker failed. {@link #reason()} says what kind of failure it was, so callers can
 * tell "fix your token or policy" from "try again later"; the message is the broker's description,
 * which never contains a token, a secret access key or a secret value.
 */
public final class BrokerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The failure classes of the broker's contract (credbroker/v1/broker.proto). */
  public enum Reason {
    /** The token is missing, invalid or expired, or no token could be obtained. */
    UNAUTHENTICATED(false),
    /** The token is valid but no rule grants the request (also for aliases that do not exist). */
    PERMISSION_DENIED(false),
    INVALID_ARGUMENT(false),
    /** An entitled secret or the requested version does not exist. */
    NOT_FOUND(false),
    /** AWS refused the request for a reason retrying does not fix. */
    FAILED_PRECONDITION(false),
    /** A rate limit; retry later. */
    RESOURCE_EXHAUSTED(true),
    /** The broker, the identity provider or AWS is unreachable; retry with backoff. */
    UNAVAILABLE(true),
    DEADLINE_EXCEEDED(true),
    /** The broker does not implement this call (an older release). */
    UNIMPLEMENTED(false),
    /** Anything else, e.g. a proxy's error. */
    OTHER(true),
    /**
     * Not the broker's answer: this process failed before or after the call (a class missing or
     * of another version, usually a dependency conflict). The cause is the JVM's error.
     */
    LOCAL_FAILURE(false);

    private final boolean retryable;

    Reason(boolean retryable) {
      this.retryable = retryable;
    }
  }

  private final Reason reason;
  private final Duration retryDelay;

  public BrokerException(Reason reason, String message) {
    this(reason, message, null);
  }

  public BrokerException(Reason reason, String message, Throwable cause) {
    this(reason, message, cause, null);
  }

  /**
   * {@code retryDelay}: how long the broker asked the caller to wait before trying again (the
   * {@code google.rpc.RetryInfo} of a rate-limited call), or null.
   */
  public BrokerException(Reason reason, String message, Throwable cause, Duration retryDelay) {
    super(reason + ": " + message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.retryDelay = retryDelay;
  }

  /** The broker's requested wait before a retry, when it gave one (RESOURCE_EXHAUSTED). */
  public Optional<Duration> retryDelay() {
    return Optional.ofNullable(retryDelay);
  }

  public Reason reason() {
    return reason;
  }

  /** Whether the same call may succeed later without the caller changing anything. */
  public boolean isRetryable() {
    return reason.retryable;
  }
}
