package dev.credbroker.bench.load;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/** Sends {@code authorization: Bearer <token>} with each call, applied at once on the caller's thread. */
public final class BearerCredentials extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Metadata headers = new Metadata();

  private BearerCredentials(String token) {
    headers.put(AUTHORIZATION, "Bearer " + token);
  }

  public static BearerCredentials of(String token) {
    return new BearerCredentials(token);
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor appExecutor, MetadataApplier applier) {
    applier.apply(headers);
  }

  @Override
  public String toString() {
    return "BearerCredentials[token redacted]";
  }
}
