package dev.credbroker.client.internal;

import dev.credbroker.client.token.TokenException;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.client.token.TokenUnavailableException;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Adds {@code authorization: Bearer <token>} to every call. The token source runs on the executor
 * gRPC provides, never on a transport thread, because it may do I/O. A source that cannot produce
 * a token fails the call before it is sent, with the token failure as the status's cause: a
 * {@link TokenUnavailableException} (any failure but a retryable {@link TokenException}) as
 * UNAUTHENTICATED, which is never retried; an outage of the token endpoint as UNAVAILABLE, which
 * gRPC retries with backoff.
 */
public final class BearerCallCredentials extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final TokenSource source;

  public BearerCallCredentials(TokenSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    executor.execute(() -> {
      String token;
      try {
        token = source.token();
      } catch (TokenException e) {
        applier.fail(failure(e));
        return;
      } catch (RuntimeException e) {
        // Not the cause: its message is the source's own and might hold anything.
        applier.fail(failure(new TokenUnavailableException(
            "the token source failed with " + e.getClass().getSimpleName())));
        return;
      } catch (Error e) {
        // Failing the call now, with the error as the cause; uncaught, the call would wait out
        // its deadline for a header that never comes.
        applier.fail(Status.INTERNAL.withDescription("the token source failed with "
            + e.getClass().getName()).withCause(e));
        return;
      }
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      applier.apply(headers);
    });
  }

  /** The status a token failure fails the call with; its cause carries the type. */
  static Status failure(TokenException e) {
    TokenException typed = e.isRetryable() || e instanceof TokenUnavailableException ? e
        : new TokenUnavailableException(e.getMessage(), e);
    return (typed.isRetryable() ? Status.UNAVAILABLE : Status.UNAUTHENTICATED)
        .withDescription("no token: " + e.getMessage()).withCause(typed);
  }
}
