package dev.credbroker.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.server.auth.AuthenticationException.Reason;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key freshness, rotation and IdP outages, with a hand-moved clock and an in-memory IdP. */
class IssuerKeysTest {
  private final MutableClock clock = MutableClock.startingNow();
  private TestIssuer idp;
  private IssuerConfig config;
  private Authenticator auth;

  @BeforeEach
  void setUp() throws Exception {
    idp = new TestIssuer("https://idp.example.com");
    config = idp.config(Set.of("RS256")); // ttl 15m, min refetch 30s, outage tolerance 1h
    auth = Authenticator.withKeySources(Map.of(config, idp.source()), clock);
  }

  @Test
  void concurrentFirstRequests_shareOneFetch() throws Exception {
    CompletableFuture<JWKSet> pending = new CompletableFuture<>();
    AtomicInteger fetches = new AtomicInteger();
    auth = Authenticator.withKeySources(Map.of(config, () -> {
      fetches.incrementAndGet();
      return pending;
    }), clock);
    List<CompletableFuture<VerifiedIdentity>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(auth.authenticate(freshToken()));
    }

    assertTrue(calls.stream().noneMatch(CompletableFuture::isDone), "callers wait for the keys");
    pending.complete(idp.published);

    for (CompletableFuture<VerifiedIdentity> call : calls) {
      assertEquals("alice", call.get(5, TimeUnit.SECONDS).subject());
    }
    assertEquals(1, fetches.get());
  }

  @Test
  void keysNearingExpiry_areRefreshedInBackgroundWhileCallersProceed() throws Exception {
    verify(freshToken());
    clock.advance(Duration.ofMinutes(11));
    verify(freshToken());
    assertEquals(1, idp.fetches.get(), "fresh keys are not refetched");

    clock.advance(Duration.ofMinutes(1)); // 12m: past three quarters of 15m
    verify(freshToken());
    assertEquals(2, idp.fetches.get());
  }

  @Test
  void rotation_newKidIsFetchedAndOldTokensKeepWorking() throws Exception {
    String beforeRotation = freshToken();
    verify(beforeRotation);
    clock.advance(Duration.ofMinutes(5)); // the broker has been running a while
    RSAKey next = new RSAKeyGenerator(2048).keyID("next").generate();
    idp.published = new JWKSet(List.of(idp.rsa.toPublicJWK(), next.toPublicJWK()));

    String signedWithNext = idp.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("next").build(),
        idp.claims(clock).jwtID("n").build(), next);
    verify(signedWithNext);
    verify(beforeRotation);
    verify(idp.rs256(idp.claims(clock).jwtID("old-key-new-token").build()));

    assertEquals(2, idp.fetches.get());
  }

  @Test
  void burstOfRandomKids_causesAtMostOneRefetchPerInterval() throws Exception {
    verify(freshToken());
    clock.advance(Duration.ofMinutes(5));
    RSAKey attacker = new RSAKeyGenerator(2048).generate();
    for (int i = 0; i < 500; i++) {
      String forged = idp.sign(new JWSHeader.Builder(JWSAlgorithm.RS256)
          .keyID(UUID.randomUUID().toString()).build(), idp.claims(clock).build(), attacker);
      assertEquals(Reason.UNKNOWN_SIGNING_KEY, failure(forged).reason());
    }
    assertEquals(2, idp.fetches.get(), "one initial fetch, one refetch for the first unknown kid");

    clock.advance(Duration.ofSeconds(31));
    for (int i = 0; i < 100; i++) {
      failure(idp.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("kid-" + i).build(),
          idp.claims(clock).build(), attacker));
    }
    assertEquals(3, idp.fetches.get());
  }

  @Test
  void idpOutage_lastGoodKeysServeWithinToleranceThenFailClosed() throws Exception {
    verify(freshToken());
    idp.down = true;

    clock.advance(Duration.ofMinutes(30)); // past the 15m TTL: refresh fails, old keys still used
    verify(freshToken());
    clock.advance(Duration.ofMinutes(44)); // 1h14m: inside TTL + 1h tolerance
    verify(freshToken());

    clock.advance(Duration.ofMinutes(2)); // 1h16m: keys no longer trusted
    AuthenticationException e = failure(freshToken());
    assertEquals(Reason.IDP_UNAVAILABLE, e.reason());
    assertEquals("the identity provider's signing keys are unavailable; retry later", e.getMessage());

    long fetchesWhileDown = idp.fetches.get();
    for (int i = 0; i < 50; i++) {
      assertEquals(Reason.IDP_UNAVAILABLE, failure(freshToken()).reason());
    }
    assertEquals(fetchesWhileDown, idp.fetches.get(), "a down IdP is not hammered");

    idp.down = false;
    clock.advance(Duration.ofSeconds(31));
    verify(freshToken());
  }

  @Test
  void idpDownAtStart_failsWithUnavailableNotUnauthenticatedBlame() throws Exception {
    idp.down = true;
    AuthenticationException e = failure(freshToken());
    assertEquals(Reason.IDP_UNAVAILABLE, e.reason());
    assertFalse(e.getMessage().contains("connection refused"), "internal detail stays in the log");
  }

  private int serial;

  private String freshToken() throws Exception {
    return idp.rs256(idp.claims(clock).jwtID("t" + serial++)
        .expirationTime(java.util.Date.from(clock.instant().plus(Duration.ofHours(3)))).build());
  }

  private void verify(String token) throws Exception {
    assertEquals("alice", auth.authenticate(token).get(5, TimeUnit.SECONDS).subject());
  }

  private AuthenticationException failure(String token) throws Exception {
    try {
      auth.authenticate(token).get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (AuthenticationException) e.getCause();
    }
    throw new AssertionError("accepted");
  }
}
