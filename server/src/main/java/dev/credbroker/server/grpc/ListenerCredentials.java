package dev.credbroker.server.grpc;

import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.server.tls.TlsMaterial;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * Decides how the listener secures connections. Plaintext carries bearer tokens and credentials in
 * the clear, so it is allowed only on loopback unless the operator says otherwise explicitly.
 */
final class ListenerCredentials {
  private ListenerCredentials() {}

  static ServerCredentials create(
      ListenAddress listen, Optional<TlsMaterial> tls, boolean insecurePlaintext)
      throws ConfigException {
    if (tls.isEmpty()) {
      if (!insecurePlaintext && !listen.isLoopback()) {
        throw new ConfigException("server.listen", "plaintext gRPC on non-loopback address "
            + listen + " is refused; configure server.tls (cert, key) or pass --insecure-plaintext");
      }
      return InsecureServerCredentials.create();
    }
    try {
      TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
          .keyManager(tls.get().keyManagers().getKeyManagers());
      var trust = tls.get().clientTrustManagers();
      if (trust.isPresent()) {
        builder.trustManager(trust.get().getTrustManagers())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (GeneralSecurityException e) {
      throw new ConfigException("server.tls", "cannot use the key and certificates ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + "); check that server.tls.cert"
          + " holds the chain for server.tls.key");
    }
  }
}
