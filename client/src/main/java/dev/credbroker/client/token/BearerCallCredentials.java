package dev.credbroker.client.token;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Adds {@code authorization: Bearer <token>} to every call. The token source runs on the executor
 * gRPC provides, never on a transport thread, because it may do I/O. A source that cannot produce
 * a token fails the call with UNAUTHENTICATED (or UNAVAILABLE when the cause is an outage).
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
        applier.fail((e.isRetryable() ? Status.UNAVAILABLE : Status.UNAUTHENTICATED)
            .withDescription("no token: " + e.getMessage()));
        return;
      } catch (RuntimeException e) {
        applier.fail(Status.UNAUTHENTICATED.withDescription("no token: the token source failed with "
            + e.getClass().getSimpleName()));
        return;
      }
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      applier.apply(headers);
    });
  }
}
