package dev.credbroker.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import dev.credbroker.core.config.IssuerConfig;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Token verification over a fixed key set instead of HTTP, for code outside this package that
 * measures it (bench/): the {@link Authenticator} as the broker wires it, and the check beneath
 * its validated-token cache (parse, key selection, signature, claims) that every new token pays.
 */
public final class FixedKeyVerification {
  private FixedKeyVerification() {}

  /** An authenticator trusting {@code issuer}, whose keys are {@code keys}. */
  public static Authenticator authenticator(IssuerConfig issuer, JWKSet keys, Clock clock) {
    return Authenticator.withKeySources(Map.of(issuer, () -> CompletableFuture.completedFuture(keys)),
        clock);
  }

  /**
   * Verification without the cache, on {@code cpu}. The token's hash is only carried into the
   * identity, so a fixed one keeps hashing out of what is measured.
   */
  public static Function<String, CompletableFuture<VerifiedIdentity>> uncached(IssuerConfig issuer,
      JWKSet keys, Clock clock, Executor cpu) {
    IssuerKeys issuerKeys = new IssuerKeys(issuer, () -> CompletableFuture.completedFuture(keys), clock,
        dev.credbroker.server.metrics.BrokerMetrics.detached().auth());
    TokenVerifier verifier = new TokenVerifier(
        Map.of(issuer.issuer(), new TokenVerifier.Issuer(issuer, issuerKeys)), clock, cpu);
    return token -> verifier.verify(token, "0000000000000000");
  }
}
