package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.ListEntitlementsRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.LoopbackBroker;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WhoAmI end to end: a real OIDC server (mock-oauth2-server, with discovery, JWKS and a token
 * endpoint over HTTP), the broker's gRPC server, and a gRPC client sending bearer tokens.
 */
class WhoAmIOverHttpIdpTest {
  private static final String AUDIENCE = "credential-broker";

  private final MutableClock clock = MutableClock.startingNow();
  private final ExecutorService io = Executors.newCachedThreadPool();
  private MockOAuth2Server idp;
  private DevIssuer dev;
  private LoopbackBroker broker;
  private ManagedChannel channel;
  private Authenticator authenticator;

  @BeforeEach
  void start() throws Exception {
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getLoopbackAddress(), 0);
    dev = DevIssuer.start(clock);
    IssuerConfig corp = new IssuerConfig(idp.issuerUrl("corp").toString(), List.of(AUDIENCE),
        Set.of("RS256"), Duration.ofSeconds(60), Optional.empty(), Optional.empty(), List.of(),
        Optional.empty(), Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofMinutes(5),
        Duration.ofSeconds(10), Duration.ofSeconds(10)); // a cold IdP under a loaded machine
    authenticator = Authenticator.create(List.of(corp, dev.issuerConfig()), clock, io);
    broker = LoopbackBroker.start(new CredentialBrokerService(
        () -> new BrokerState(authenticator, new PolicyEngine(policyConfig())), null, null, "", clock,
        new AuditRecorder(new dev.credbroker.server.testing.RecordingAuditLog(), java.util.List.of(),
            clock)));
    channel = broker.channel();
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
    dev.close();
    idp.shutdown();
    io.shutdownNow();
  }

  @Test
  void tokenFromTokenEndpoint_isAcceptedAndEchoedWithNestedClaims() throws Exception {
    String token = clientCredentialsToken();

    AtomicReference<Metadata> headers = new AtomicReference<>();
    WhoAmIResponse me = stub("Bearer " + token)
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
        .whoAmI(WhoAmIRequest.getDefaultInstance());

    assertEquals(idp.issuerUrl("corp").toString(), me.getIssuer());
    assertEquals("svc-payments", me.getSubject());
    assertTrue(me.getAudiencesList().contains(AUDIENCE), me.getAudiencesList().toString());
    assertTrue(me.getExpiration().getSeconds() > clock.instant().getEpochSecond());
    assertTrue(me.getPeerAddress().startsWith("127.0.0.1:"), me.getPeerAddress());
    assertEquals(32, headers.get().get(CallInfoInterceptor.REQUEST_ID).length());
  }

  @Test
  void issuedToken_nestedClaimsArePreserved() {
    String token = idp.issueToken("corp", "alice", AUDIENCE, Map.of("groups", List.of("payments"),
        "realm_access", Map.of("roles", List.of("deployer"))), 3600).serialize();

    WhoAmIResponse me = stub("Bearer " + token).whoAmI(WhoAmIRequest.getDefaultInstance());

    assertEquals("alice", me.getSubject());
    assertEquals("payments", me.getClaims().getFieldsOrThrow("groups").getListValue().getValues(0)
        .getStringValue());
    assertEquals("deployer", me.getClaims().getFieldsOrThrow("realm_access").getStructValue()
        .getFieldsOrThrow("roles").getListValue().getValues(0).getStringValue());
  }

  @Test
  void rejectedTokens_answerUnauthenticatedWithSafeReason() {
    String valid = idp.issueToken("corp", "alice", AUDIENCE, Map.of(), 3600).serialize();
    int sig = valid.lastIndexOf('.') + 1;
    // Cut to a whole number of base64 quanta, so the shorter signature is still canonically spelled.
    String truncated = valid.substring(0, sig + (valid.length() - sig - 20) / 4 * 4);
    // An RS256 signature's last character carries 4 unused bits (A, Q, g or w); B, R, h or x
    // spells the same bytes with one of them set.
    String strayBit = valid.substring(0, valid.length() - 1)
        + (char) (valid.charAt(valid.length() - 1) + 1);
    Map<String, String> cases = Map.of(
        idp.issueToken("corp", "alice", AUDIENCE, Map.of(), -3600).serialize(), "token expired",
        idp.issueToken("corp", "alice", "someone-else", Map.of(), 3600).serialize(), "audience not accepted",
        idp.issueToken("elsewhere", "alice", AUDIENCE, Map.of(), 3600).serialize(), "issuer not trusted",
        truncated, "signature invalid",
        strayBit, "token parts must be unpadded base64url",
        "not-a-jwt", "token is not a JWT",
        "x".repeat(20_000), "token longer than 16384 characters");
    cases.forEach((token, reason) -> {
      Status status = callStatus("Bearer " + token);
      assertEquals(Status.Code.UNAUTHENTICATED, status.getCode(), reason);
      assertTrue(status.getDescription().startsWith(reason), status.getDescription());
      assertFalse(status.getDescription().contains(token.substring(Math.max(0, token.length() - 12))));
    });
  }

  @Test
  void missingOrMisshapenAuthorization_answersUnauthenticated() {
    assertEquals("missing bearer token; send metadata 'authorization: Bearer <JWT>'",
        callStatus(null).getDescription());
    assertEquals("authorization metadata must be 'Bearer <JWT>'", callStatus("Basic dXNlcjpwYXNz").getDescription());
    assertEquals("empty bearer token", callStatus("Bearer ").getDescription());
    assertEquals("bearer token contains characters a JWT cannot contain",
        callStatus("Bearer a.b.c\u00e9").getDescription());
  }

  /**
   * HTTP/2 enforces max_inbound_metadata_size before the broker sees the call: the server
   * advertises the limit and gRPC Java clients refuse to send, reporting it locally. The broker
   * is unaffected. (A 1 MB token handed to the authenticator itself is MALFORMED: see
   * AuthenticatorTest.)
   */
  @Test
  void tokenBeyondMetadataLimit_neverReachesTheBroker() {
    Status status = callStatus("Bearer " + "a".repeat(1_000_000));
    assertTrue(String.valueOf(status.getCause()).contains("Header size exceeded max allowed size (65536)"),
        status.toString());
    String valid = idp.issueToken("corp", "alice", AUDIENCE, Map.of(), 3600).serialize();
    assertEquals("alice", stub("Bearer " + valid).whoAmI(WhoAmIRequest.getDefaultInstance()).getSubject());
  }

  @Test
  void keyRotationMidRun_noValidTokenFails() throws Exception {
    String beforeRotation = dev.mint("alice", Map.of(), Duration.ofHours(2));
    assertEquals("alice", stub("Bearer " + beforeRotation).whoAmI(WhoAmIRequest.getDefaultInstance()).getSubject());
    clock.advance(Duration.ofSeconds(10));

    dev.rotateKey();
    for (int i = 0; i < 20; i++) {
      String token = dev.mint("user-" + i, Map.of(), Duration.ofHours(2));
      assertEquals("user-" + i, stub("Bearer " + token).whoAmI(WhoAmIRequest.getDefaultInstance()).getSubject());
    }
    String oldKeyNewToken = beforeRotation; // still published, still cached
    assertEquals("alice", stub("Bearer " + oldKeyNewToken).whoAmI(WhoAmIRequest.getDefaultInstance()).getSubject());
    assertEquals(2, dev.jwksRequests(), "one fetch at start, one for the new kid");
  }

  @Test
  void idpStoppedAfterWarmUp_validatesWithinWindowThenUnavailable() {
    String warmUp = idp.issueToken("corp", "alice", AUDIENCE, Map.of(), 7200).serialize();
    stub("Bearer " + warmUp).whoAmI(WhoAmIRequest.getDefaultInstance());
    idp.shutdown();

    clock.advance(Duration.ofMinutes(3)); // past the 1m key TTL, inside TTL + 5m tolerance
    String during = idp.issueToken("corp", "bob", AUDIENCE, Map.of(), 7200).serialize();
    assertEquals("bob", stub("Bearer " + during).whoAmI(WhoAmIRequest.getDefaultInstance()).getSubject());

    clock.advance(Duration.ofMinutes(4)); // 7m: keys no longer trusted
    String after = idp.issueToken("corp", "carol", AUDIENCE, Map.of(), 7200).serialize();
    Status status = callStatus("Bearer " + after);
    assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
  }

  @Test
  void burstOfRandomKids_boundedJwksFetches() throws Exception {
    String good = dev.mint("alice", Map.of(), Duration.ofHours(1));
    stub("Bearer " + good).whoAmI(WhoAmIRequest.getDefaultInstance());
    clock.advance(Duration.ofMinutes(1));
    String[] parts = good.split("\\.");
    for (int i = 0; i < 300; i++) {
      String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
          ("{\"alg\":\"RS256\",\"kid\":\"k" + i + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(Status.Code.UNAUTHENTICATED,
          callStatus("Bearer " + header + "." + parts[1] + "." + parts[2]).getCode());
    }
    assertEquals(2, dev.jwksRequests());
  }

  @Test
  void logs_neverContainTokensOrTheirParts() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      List<String> tokens = new java.util.ArrayList<>();
      tokens.add(clientCredentialsToken());
      tokens.add(idp.issueToken("corp", "alice", AUDIENCE, Map.of(), -3600).serialize());
      tokens.add(idp.issueToken("corp", "alice", "other", Map.of(), 3600).serialize());
      tokens.add(idp.issueToken("elsewhere", "alice", AUDIENCE, Map.of(), 3600).serialize());
      String good = dev.mint("bob", Map.of(), Duration.ofHours(1));
      tokens.add(good);
      tokens.add(good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5));
      for (String token : tokens) {
        try {
          stub("Bearer " + token).whoAmI(WhoAmIRequest.getDefaultInstance());
        } catch (StatusRuntimeException expected) {
          // failures are part of the scan
        }
      }
      idp.shutdown();
      clock.advance(Duration.ofHours(1));
      callStatus("Bearer " + idp.issueToken("corp", "x", AUDIENCE, Map.of(), 7200).serialize());

      List<String> lines = logs.lines();
      assertFalse(lines.isEmpty(), "the broker logged something to scan");
      for (String token : tokens) {
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String payload = token.split("\\.")[1];
        for (String line : lines) {
          assertFalse(line.contains(signature) || line.contains(payload), "token part logged: " + line);
        }
      }
    }
  }

  @Test
  void listEntitlements_returnsWhatRulesGrantThisCaller() {
    String payments = idp.issueToken("corp", "alice", AUDIENCE,
        Map.of("groups", List.of("payments", "staff")), 3600).serialize();
    String other = idp.issueToken("corp", "bob", AUDIENCE, Map.of("groups", List.of("staff")), 3600)
        .serialize();

    var mine = stub("Bearer " + payments).listEntitlements(
        ListEntitlementsRequest.getDefaultInstance());
    var theirs = stub("Bearer " + other).listEntitlements(
        ListEntitlementsRequest.getDefaultInstance());

    assertEquals(1, mine.getRolesCount());
    assertEquals("payments-deployer", mine.getRoles(0).getRole());
    assertEquals("arn:aws:iam::123456789012:role/payments-deployer", mine.getRoles(0).getRoleArn());
    assertEquals(1800, mine.getRoles(0).getMaxDuration().getSeconds());
    assertEquals(List.of("payments-services"), mine.getRoles(0).getRuleIdsList());
    assertEquals("payments/db", mine.getSecrets(0).getSecretId());
    assertEquals(0, theirs.getRolesCount() + theirs.getSecretsCount(), theirs.toString());
  }

  private static BrokerConfig policyConfig() {
    try {
      return ConfigLoader.parse("""
          server: {listen: 127.0.0.1:0}
          roles:
            payments-deployer: {arn: "arn:aws:iam::123456789012:role/payments-deployer", max_duration: 1h}
          secrets:
            payments-db: {id: payments/db}
          rules:
            - id: payments-services
              when: {claims: {groups: {contains: payments}}}
              roles: [payments-deployer]
              secrets: [payments-db]
              max_duration: 30m
          """, "test", java.nio.file.Path.of("."));
    } catch (ConfigException e) {
      throw new AssertionError(e);
    }
  }

  private String clientCredentialsToken() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(idp.tokenEndpointUrl("corp").toString()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(
            "grant_type=client_credentials&client_id=svc-payments&client_secret=s3cret&scope=" + AUDIENCE))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request,
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    Object token = JSONObjectUtils.parse(response.body()).get("access_token");
    assertNotNull(token, response.body());
    return (String) token;
  }

  private CredentialBrokerGrpc.CredentialBrokerBlockingStub stub(String authorization) {
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(CallInfoInterceptor.AUTHORIZATION, authorization);
    }
    return CredentialBrokerGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private Status callStatus(String authorization) {
    return assertThrows(StatusRuntimeException.class,
        () -> stub(authorization).whoAmI(WhoAmIRequest.getDefaultInstance())).getStatus();
  }
}
