package dev.credbroker.client.token;

/**
 * No token could be obtained. The message says why (a missing file, the token endpoint refusing
 * the client) and never contains a token or a client secret. A {@link TokenUnavailableException}
 * is the local, never retryable kind; a plain, retryable one is an outage of the token endpoint.
 */
public sealed class TokenException extends RuntimeException permits TokenUnavailableException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public TokenException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public TokenException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** True for outages (token endpoint unreachable, 5xx); false for what needs a fix. */
  public boolean isRetryable() {
    return retryable;
  }
}
