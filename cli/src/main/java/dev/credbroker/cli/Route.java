package dev.credbroker.cli;

import dev.credbroker.client.SessionCredentials;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the credentials endpoint does with one request: answer at once, or read a role's
 * credentials off the event loop (a provider with nothing valid waits for the broker) and answer
 * with them in the consumer's shape.
 */
sealed interface Route {
  /** An answer that needs no credentials: a refusal, a listing, an IMDS session token. */
  record Answer(FullHttpResponse response) implements Route {}

  /** The role's credentials, checked usable, then {@code render}ed. */
  record WithCredentials(Supplier<SessionCredentials> source,
      Function<SessionCredentials, FullHttpResponse> render) implements Route {}

  /** Decides the route of a request the decoder accepted. */
  @FunctionalInterface
  interface Router {
    Route route(EndpointRequest request);
  }
}
