package dev.credbroker.server.grpc;

import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.server.tls.LiveTls;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.util.Optional;

/**
 * Decides how the listener secures connections. Plaintext carries bearer tokens and credentials in
 * the clear, so it is allowed only on loopback unless the operator says otherwise explicitly.
 */
final class ListenerCredentials {
  private ListenerCredentials() {}

  /** With TLS, each new connection uses the material {@code tls} holds when it arrives. */
  static ServerCredentials create(
      ListenAddress listen, Optional<LiveTls> tls, boolean insecurePlaintext)
      throws ConfigException {
    if (tls.isEmpty()) {
      if (!insecurePlaintext && !listen.isLoopback()) {
        throw new ConfigException("server.listen", "plaintext gRPC on non-loopback address "
            + listen + " is refused; configure server.tls (cert, key) or pass --insecure-plaintext");
      }
      return InsecureServerCredentials.create();
    }
    TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
        .keyManager(tls.get().keyManager());
    tls.get().trustManager().ifPresent(trust -> builder.trustManager(trust)
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE));
    return builder.build();
  }
}
