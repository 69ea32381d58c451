package dev.credbroker.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.client.testing.Servers;
import dev.credbroker.client.token.TokenException;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.client.token.TokenUnavailableException;
import dev.credbroker.core.config.TlsConfig;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.testing.MutableClock;
import dev.credbroker.server.testing.TestPki;
import dev.credbroker.server.tls.TlsMaterial;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BrokerClient over a real loopback gRPC connection to a broker that answers what each test chooses. */
class BrokerClientTest {
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private FakeBroker broker;
  private BrokerClient client;

  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    broker = FakeBroker.start(clock);
    client = BrokerClient.builder().target(broker.target()).plaintext()
        .tokenSource(TokenSource.of(TOKEN)).build();
  }

  @AfterEach
  void stop() {
    client.close();
    broker.close();
  }

  @Test
  void getAwsCredentials_convertsEveryFieldAndSendsTheBearer() {
    SessionCredentials c = client.getAwsCredentials("deployer");

    assertEquals("ASIAFAKE000000000001", c.accessKeyId());
    assertTrue(c.secretAccessKey().startsWith("fake-secret-1-"));
    assertTrue(c.sessionToken().startsWith("fake-session-token-1-"));
    assertEquals(Instant.parse("2026-03-01T13:00:00Z"), c.expiration());
    assertEquals("arn:aws:sts::123456789012:assumed-role/deployer/alice", c.assumedRoleArn());
    assertEquals(Optional.of("123456789012"), c.accountId());
    assertEquals("eu-west-1", c.region());
    assertEquals("deployer", c.role());
    assertEquals("alice", c.sessionName());
    assertEquals(Optional.empty(), c.sourceIdentity());
    assertEquals(List.of("Bearer " + TOKEN), broker.authorizations());
  }

  @Test
  void toString_neverShowsSecrets() {
    SessionCredentials c = client.getAwsCredentials("deployer");
    assertFalse(c.toString().contains(c.secretAccessKey()), c.toString());
    assertFalse(c.toString().contains(c.sessionToken()), c.toString());
    assertTrue(c.toString().contains(c.accessKeyId()), c.toString());

    broker.answerSecrets(r -> secret("hunter2-the-password"));
    SecretValue s = client.getSecretValue("db");
    assertEquals("hunter2-the-password", s.secretString());
    assertFalse(s.toString().contains("hunter2"), s.toString());
    assertFalse(client.toString().contains(TOKEN));
  }

  @Test
  void getSecretValue_sendsVersionAndForceRefresh_andConvertsBinary() {
    AtomicReference<GetSecretValueRequest> seen = new AtomicReference<>();
    broker.answerSecrets(r -> {
      seen.set(r);
      return secret("x").toBuilder().setSecretBinary(ByteString.copyFrom(new byte[] {0, 1, 2})).build();
    });

    SecretValue v = client.getSecretValue(SecretRequest.of("db").withVersionStage("AWSPREVIOUS").withForceRefresh());

    assertEquals("AWSPREVIOUS", seen.get().getVersionStage());
    assertTrue(seen.get().getForceRefresh());
    assertTrue(v.isBinary());
    assertArrayEquals(new byte[] {0, 1, 2}, v.secretBinary());
    assertEquals(Optional.of(Instant.parse("2026-01-01T00:00:00Z")), v.createdDate());
    assertThrows(IllegalStateException.class, v::secretString);
    assertThrows(IllegalArgumentException.class,
        () -> SecretRequest.of("db").withVersionId("a".repeat(32)).withVersionStage("AWSCURRENT"));
  }

  @Test
  void statuses_becomeReasonsWithTheBrokersDescription() {
    broker.failNext(Status.PERMISSION_DENIED.withDescription("not entitled to role 'x'"),
        Status.UNAUTHENTICATED.withDescription("token expired"),
        Status.NOT_FOUND.withDescription("secret version not found"),
        Status.INTERNAL.withDescription("proxy error"));

    BrokerException denied = assertThrows(BrokerException.class, () -> client.getAwsCredentials("x"));
    assertEquals(BrokerException.Reason.PERMISSION_DENIED, denied.reason());
    assertEquals("PERMISSION_DENIED: not entitled to role 'x'", denied.getMessage());
    assertFalse(denied.isRetryable());
    assertEquals(BrokerException.Reason.UNAUTHENTICATED,
        assertThrows(BrokerException.class, () -> client.getAwsCredentials("x")).reason());
    assertEquals(BrokerException.Reason.NOT_FOUND,
        assertThrows(BrokerException.class, () -> client.getSecretValue("db")).reason());
    BrokerException other = assertThrows(BrokerException.class, () -> client.getAwsCredentials("x"));
    assertEquals(BrokerException.Reason.OTHER, other.reason());
    assertTrue(other.isRetryable());
  }

  @Test
  void unavailable_isRetriedByTheServiceConfig_uncheckedByTheCaller() {
    broker.failNext(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE);

    assertEquals("ASIAFAKE000000000001", client.getAwsCredentials("deployer").accessKeyId());
    assertEquals(4, broker.credentialCalls(), "three retries, then the answer");
  }

  @Test
  void maxAttemptsOne_disablesRetries() throws Exception {
    try (BrokerClient once = BrokerClient.builder().target(broker.target()).plaintext().maxAttempts(1)
        .tokenSource(TokenSource.of(TOKEN)).build()) {
      broker.failNext(Status.UNAVAILABLE);
      BrokerException e = assertThrows(BrokerException.class, () -> once.getAwsCredentials("deployer"));
      assertEquals(BrokerException.Reason.UNAVAILABLE, e.reason());
      assertEquals(1, broker.credentialCalls());
    }
  }

  /** Library users get the target and the cause too, still retryable, with the transport's exception. */
  @Test
  void brokerNotListening_messageNamesTheTargetAndTheCause() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (BrokerClient down = BrokerClient.builder().target("127.0.0.1:" + port).plaintext()
        .tokenSource(TokenSource.of(TOKEN)).build()) {
      BrokerException e = assertThrows(BrokerException.class, () -> down.getAwsCredentials("deployer"));
      assertEquals("UNAVAILABLE: cannot reach the broker at 127.0.0.1:" + port + ": connection refused",
          e.getMessage());
      assertTrue(e.isRetryable());
      assertTrue(e.getCause() instanceof java.net.ConnectException, String.valueOf(e.getCause()));
    }
  }

  @Test
  void deadline_boundsACallTheBrokerNeverAnswers() throws Exception {
    try (BrokerClient quick = BrokerClient.builder().target(broker.target()).plaintext()
        .deadline(Duration.ofMillis(300)).tokenSource(TokenSource.of(TOKEN)).build()) {
      broker.hold();
      BrokerException e = assertThrows(BrokerException.class, () -> quick.getAwsCredentials("deployer"));
      assertEquals(BrokerException.Reason.DEADLINE_EXCEEDED, e.reason());
      broker.release();
    }
  }

  @Test
  void tokenSourceFailure_failsTheCallWithoutReachingTheBroker() throws Exception {
    try (BrokerClient noToken = BrokerClient.builder().target(broker.target()).plaintext()
        .tokenSource(() -> {
          throw new TokenUnavailableException("token file /run/token does not exist");
        }).maxAttempts(1).build();
        BrokerClient badToken = BrokerClient.builder().target(broker.target()).plaintext()
            .tokenSource(TokenSource.fromSupplier(() -> "two words")).build()) {
      BrokerException missing = assertThrows(BrokerException.class, () -> noToken.getAwsCredentials("r"));
      assertEquals("UNAUTHENTICATED: no token: token file /run/token does not exist", missing.getMessage());
      assertInstanceOf(TokenUnavailableException.class, missing.getCause());
      BrokerException malformed = assertThrows(BrokerException.class, () -> badToken.getAwsCredentials("r"));
      assertEquals(BrokerException.Reason.UNAUTHENTICATED, malformed.reason());
      assertInstanceOf(TokenUnavailableException.class, malformed.getCause());
      assertFalse(malformed.getMessage().contains("two words"), malformed.getMessage());
      assertEquals(0, broker.credentialCalls());
    }
  }

  @Test
  void missingTokenFile_failsAtOnce_neverRetried(@TempDir Path dir) {
    AtomicInteger reads = new AtomicInteger();
    TokenSource file = TokenSource.fromFile(dir.resolve("absent"));
    try (BrokerClient client = BrokerClient.builder().target(broker.target()).plaintext()
        .tokenSource(() -> {
          reads.incrementAndGet();
          return file.token();
        }).maxAttempts(5).deadline(Duration.ofSeconds(30)).build()) {
      long start = System.nanoTime();
      BrokerException e = assertThrows(BrokerException.class, () -> client.getAwsCredentials("r"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertFalse(e.isRetryable(), e.toString());
      assertEquals(BrokerException.Reason.UNAUTHENTICATED, e.reason());
      assertInstanceOf(TokenUnavailableException.class, e.getCause());
      assertEquals(1, reads.get(), "one attempt: gRPC must not retry a missing token file");
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "failed at once, not at the deadline: " + took);
      assertEquals(0, broker.credentialCalls());
    }
  }

  @Test
  void tokenEndpointOutage_staysRetryable_withTheTokenExceptionAsCause() {
    AtomicInteger calls = new AtomicInteger();
    try (BrokerClient client = BrokerClient.builder().target(broker.target()).plaintext()
        .tokenSource(() -> {
          calls.incrementAndGet();
          throw new TokenException("token endpoint idp unreachable: ConnectException", true);
        }).maxAttempts(2).build()) {
      BrokerException e = assertThrows(BrokerException.class, () -> client.getAwsCredentials("r"));
      assertEquals(BrokerException.Reason.UNAVAILABLE, e.reason());
      assertInstanceOf(TokenException.class, e.getCause());
      assertFalse(e.getCause() instanceof TokenUnavailableException);
      assertEquals("UNAVAILABLE: no token: token endpoint idp unreachable: ConnectException", e.getMessage());
      assertEquals(2, calls.get(), "an outage of the token endpoint is retried like UNAVAILABLE");
    }
  }


  @Test
  void mutualTls_withTheClientCertificate_works_andWithoutItFails() throws Exception {
    TestPki pki = TestPki.create(dir);
    BrokerServer tls = Servers.startTls(broker, TlsMaterial.load(
        new TlsConfig(pki.serverCert(), pki.serverKey(), Optional.of(pki.caCert())), "server.tls"));
    String target = "localhost:" + tls.address().getPort();
    try (BrokerClient mtls = BrokerClient.builder().target(target).trustedCertificates(pki.caCert())
            .clientCertificate(pki.clientCert(), pki.clientKey()).tokenSource(TokenSource.of(TOKEN)).build();
        BrokerClient anonymous = BrokerClient.builder().target(target).trustedCertificates(pki.caCert())
            .maxAttempts(1).tokenSource(TokenSource.of(TOKEN)).build();
        BrokerClient untrusting = BrokerClient.builder().target(target).maxAttempts(1)
            .tokenSource(TokenSource.of(TOKEN)).build()) {
      assertEquals("deployer", mtls.getAwsCredentials("deployer").role());
      assertEquals(BrokerException.Reason.UNAVAILABLE,
          assertThrows(BrokerException.class, () -> anonymous.getAwsCredentials("deployer")).reason());
      assertEquals(BrokerException.Reason.UNAVAILABLE,
          assertThrows(BrokerException.class, () -> untrusting.getAwsCredentials("deployer")).reason());
      assertEquals(1, broker.credentialCalls(), "only the mTLS client got through");
    } finally {
      tls.shutdownNow();
      tls.shutdown();
    }
  }

  @Test
  void builder_failsFastOnMistakes() {
    IllegalArgumentException clear = assertThrows(IllegalArgumentException.class, () -> BrokerClient.builder()
        .target("broker.example.com:8443").plaintext().tokenSource(TokenSource.of(TOKEN)).build());
    assertEquals("plaintext is allowed only for a loopback target; use TLS for broker.example.com:8443",
        clear.getMessage());
    assertEquals("target is already set", assertThrows(IllegalStateException.class,
        () -> BrokerClient.builder().target("a:1").target("b:1")).getMessage());
    assertEquals("target and tokenSource are required", assertThrows(IllegalStateException.class,
        () -> BrokerClient.builder().target("a:1").build()).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BrokerClient.builder().maxAttempts(6));
    assertThrows(IllegalArgumentException.class, () -> BrokerClient.builder().deadline(Duration.ZERO));
    assertThrows(IllegalStateException.class, () -> BrokerClient.builder().target("127.0.0.1:1").plaintext()
        .trustedCertificates(dir.resolve("ca.pem")).tokenSource(TokenSource.of(TOKEN)).build());
    assertThrows(java.io.UncheckedIOException.class, () -> BrokerClient.builder().target("127.0.0.1:1")
        .trustedCertificates(dir.resolve("missing.pem")).tokenSource(TokenSource.of(TOKEN)).build());
    assertThrows(IllegalArgumentException.class, () -> client.getAwsCredentials(""));
    assertThrows(IllegalArgumentException.class,
        () -> client.getAwsCredentials("r", Optional.of(Duration.ofMinutes(10))));
  }

  private static dev.credbroker.proto.v1.SecretValue secret(String value) {
    return dev.credbroker.proto.v1.SecretValue.newBuilder().setSecret("db").setName("prod/db")
        .setArn("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf")
        .setVersionId("v1").addVersionStages("AWSCURRENT")
        .setCreatedDate(Timestamp.newBuilder().setSeconds(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond()))
        .setSecretString(value).build();
  }
}
