package dev.credbroker.client.token;

/**
 * No token could be obtained on this side, so the call was never sent: the token file is missing,
 * unreadable, empty or malformed, a supplier returned nothing, the client assertion could not be
 * signed, or the identity provider refused the client. Local and never retryable: the client
 * fails the call at once (UNAUTHENTICATED, with this exception as the cause of the
 * {@link dev.credbroker.client.BrokerException}), without gRPC retries or waiting for the
 * deadline, because trying again does not fix a missing file or a refused client.
 *
 * <p>Find it by type on the cause chain ({@code instanceof}), never by the message's wording. An
 * outage of the token endpoint is a plain, retryable {@link TokenException} instead.
 */
public final class TokenUnavailableException extends TokenException {
  private static final long serialVersionUID = 1L;

  public TokenUnavailableException(String message) {
    this(message, null);
  }

  public TokenUnavailableException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
