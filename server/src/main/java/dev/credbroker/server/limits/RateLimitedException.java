package dev.credbroker.server.limits;

import java.time.Duration;

/**
 * A call refused by a rate limit or the AWS concurrency cap: RESOURCE_EXHAUSTED for the caller,
 * with {@link #retryAfter()} as its {@code google.rpc.RetryInfo}. The message names the limit and
 * its setting, never the caller. Thrown where the refusal is found (the vendor, the cache, an
 * AWS gateway) and turned into the call's outcome by the gRPC layer; no stack trace, it is routine.
 */
public final class RateLimitedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Limit limit;
  private final Duration retryAfter;

  public RateLimitedException(Limit limit, String message, Duration retryAfter) {
    super(message, null, false, false);
    this.limit = limit;
    this.retryAfter = retryAfter;
  }

  public Limit limit() {
    return limit;
  }

  /** How long until the same call may succeed (at least a millisecond). */
  public Duration retryAfter() {
    return retryAfter;
  }
}
