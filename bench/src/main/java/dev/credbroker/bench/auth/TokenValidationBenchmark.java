package dev.credbroker.bench.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.auth.FixedKeyVerification;
import dev.credbroker.server.auth.VerifiedIdentity;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Token validation per second: cold (parse, key selection, signature, claims; what every new
 * token costs) against cached (SHA-256 of the token plus a cache hit; what every further call
 * with the same token costs), for RS256 and ES256. The verifier beneath the cache comes from
 * the server's test fixture {@link FixedKeyVerification}.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar TokenValidation}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenValidationBenchmark {
  private static final String ISSUER = "https://idp.bench.example";

  @Param({"RS256", "ES256"})
  public String algorithm;

  private Authenticator authenticator;
  private Function<String, CompletableFuture<VerifiedIdentity>> verifier;
  private String token;

  @Setup
  public void setUp() throws Exception {
    Clock clock = Clock.systemUTC();
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    JWKSet keys = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()));
    IssuerConfig config = new IssuerConfig(ISSUER, List.of("broker"), Set.of("RS256", "ES256"),
        Duration.ofSeconds(60), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
        Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(1),
        Duration.ofSeconds(1));
    authenticator = FixedKeyVerification.authenticator(config, keys, clock);
    // Direct executor: measures verification itself; the broker adds one hand-off to its pool.
    verifier = FixedKeyVerification.uncached(config, keys, clock, Runnable::run);

    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("svc-payments")
        .audience("broker").issueTime(new Date())
        .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(2))))
        .claim("groups", List.of("payments", "deployers"))
        .claim("realm_access", Map.of("roles", List.of("offline_access", "deployer"))).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.parse(algorithm))
        .keyID("RS256".equals(algorithm) ? "rsa" : "ec").build(), claims);
    jwt.sign("RS256".equals(algorithm) ? new RSASSASigner(rsa) : new ECDSASigner(ec));
    token = jwt.serialize();
    authenticator.authenticate(token).get(); // warm keys and the validated-token cache
  }

  @Benchmark
  public VerifiedIdentity cold() throws Exception {
    return verifier.apply(token).get();
  }

  @Benchmark
  public VerifiedIdentity cached() throws Exception {
    return authenticator.authenticate(token).get();
  }
}
