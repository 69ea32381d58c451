package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.RetryInfo;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.config.RateLimitsConfig;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.CredentialBrokerGrpc.CredentialBrokerBlockingStub;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.aws.StsGateway;
import dev.credbroker.server.limits.ConcurrencyCap;
import dev.credbroker.server.limits.RateLimiter;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.testing.AuditedBroker;
import dev.credbroker.server.testing.MutableClock;
import dev.credbroker.server.testing.Scrape;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Rate limits through a whole broker (dev-issuer tokens, the AWS SDK against the fakes, a real
 * audit file): refusals are RESOURCE_EXHAUSTED with a {@code google.rpc.RetryInfo}, recorded once
 * and counted in {@code credbroker_rate_limited_total}; the buckets run on a hand-moved clock.
 */
class RateLimitTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.startingNow();
  private final BrokerMetrics metrics = BrokerMetrics.create();
  private AuditedBroker broker;

  @AfterEach
  void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void eleventhCall_ofATenPerSecondBucket_isRefusedWithRetryInfo_whileAnotherCallerIsServed()
      throws Exception {
    start("{caller: {requests: {per_second: 10, burst: 10}}}", UnaryOperator.identity(), 10_000);
    CredentialBrokerBlockingStub alice = stub(broker.token("alice", "developers"));
    CredentialBrokerBlockingStub bob = stub(broker.token("bob", "developers"));
    for (int i = 0; i < 10; i++) {
      alice.whoAmI(WhoAmIRequest.getDefaultInstance());
    }
    broker.newRecords();

    StatusRuntimeException refused = refusal(() -> alice.whoAmI(WhoAmIRequest.getDefaultInstance()));

    assertEquals(Duration.ofMillis(100), retryDelay(refused), "one token of 10/s");
    assertEquals("rate limit caller: this caller may make 10 calls/s, burst 10; retry in 100ms",
        refused.getStatus().getDescription());
    for (int i = 0; i < 10; i++) {
      assertEquals("bob", bob.whoAmI(WhoAmIRequest.getDefaultInstance()).getSubject());
    }
    List<Map<String, Object>> records = broker.newRecords();
    assertEquals(11, records.size(), "the refusal and bob's ten calls, each recorded once");
    Map<String, Object> limited = records.get(0);
    assertEquals("deny", limited.get("decision"));
    assertEquals("RESOURCE_EXHAUSTED", limited.get("status"));
    assertEquals(refused.getStatus().getDescription(), limited.get("reason"));
    assertEquals(1.0, scrape().value("credbroker_rate_limited_total", Map.of("limit", "caller")));
    assertEquals(0.0, scrape().value("credbroker_rate_limited_total", Map.of("limit", "role")));

    clock.advance(Duration.ofMillis(100));
    assertEquals("alice", alice.whoAmI(WhoAmIRequest.getDefaultInstance()).getSubject(),
        "served again once the retry delay has passed");
  }

  @Test
  void cacheHits_areNotChargedToTheUncachedBucket_missesAndForcedRefreshesAre() throws Exception {
    start("{caller: {uncached: {per_second: 1, burst: 2}}}", UnaryOperator.identity(), 10_000);
    CredentialBrokerBlockingStub alice = stub(broker.token("alice", "developers"));
    GetAwsCredentialsRequest role = GetAwsCredentialsRequest.newBuilder()
        .setRole(AuditedBroker.ROLE).build();

    AwsCredentials first = alice.getAwsCredentials(role); // a miss: 1 of 2
    for (int i = 0; i < 20; i++) {
      assertEquals(first.getAccessKeyId(), alice.getAwsCredentials(role).getAccessKeyId());
    }
    GetSecretValueRequest secret = GetSecretValueRequest.newBuilder()
        .setSecret(AuditedBroker.SECRET).build();
    assertEquals(AuditedBroker.SECRET_VALUE, alice.getSecretValue(secret).getSecretString()); // 2 of 2
    alice.getSecretValue(secret); // a hit
    broker.newRecords();

    StatusRuntimeException refused = refusal(() -> alice.getSecretValue(
        secret.toBuilder().setForceRefresh(true).build()));

    assertEquals(Duration.ofSeconds(1), retryDelay(refused));
    assertTrue(refused.getStatus().getDescription().startsWith("rate limit caller_uncached: this"
        + " caller may cause 1 AWS calls/s (cache misses and forced refreshes), burst 2"),
        refused.getStatus().getDescription());
    assertEquals(1, broker.sts().calls("AssumeRole"), "twenty hits, one STS call");
    Map<String, Object> record = broker.newRecords().get(0);
    assertEquals("RESOURCE_EXHAUSTED", record.get("status"));
    assertEquals(AuditedBroker.SECRET, record.get("secret"));
    assertEquals(1.0, scrape().value("credbroker_rate_limited_total",
        Map.of("limit", "caller_uncached")));
    CredentialBrokerBlockingStub bob = stub(broker.token("bob", "developers"));
    assertEquals(AuditedBroker.SECRET_VALUE, bob.getSecretValue(secret).getSecretString(),
        "another caller's hit");
  }

  @Test
  void forceRefreshInterval_isRefusedLikeARateLimit_withRetryInfo() throws Exception {
    start("{}", UnaryOperator.identity(), 10_000);
    CredentialBrokerBlockingStub alice = stub(broker.token("alice", "developers"));
    GetSecretValueRequest forced = GetSecretValueRequest.newBuilder()
        .setSecret(AuditedBroker.SECRET).setForceRefresh(true).build();
    alice.getSecretValue(forced);
    broker.newRecords();

    StatusRuntimeException refused = refusal(() -> alice.getSecretValue(forced));

    Duration delay = retryDelay(refused);
    assertTrue(delay.compareTo(Duration.ZERO) > 0 && delay.compareTo(Duration.ofSeconds(10)) <= 0,
        "the rest of force_refresh_interval (10s): " + delay);
    Map<String, Object> record = broker.newRecords().get(0);
    assertEquals("deny", record.get("decision"));
    assertEquals(refused.getStatus().getDescription(), record.get("reason"));
    assertEquals(1.0, scrape().value("credbroker_rate_limited_total",
        Map.of("limit", "force_refresh")));
  }

  @Test
  void awsConcurrencyCap_refusesACallBeyondTheBound_andServesItOnceASlotIsFree() throws Exception {
    CountDownLatch inFlight = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    UnaryOperator<StsGateway> hold = sts -> call -> {
      if (call.sessionName().contains("alice")) {
        inFlight.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return sts.assumeRole(call);
    };
    start("{}", hold, 1);
    GetAwsCredentialsRequest role = GetAwsCredentialsRequest.newBuilder()
        .setRole(AuditedBroker.ROLE).build();
    CredentialBrokerBlockingStub alice = stub(broker.token("alice", "developers"));
    CredentialBrokerBlockingStub bob = stub(broker.token("bob", "developers"));
    CompletableFuture<AwsCredentials> held = CompletableFuture.supplyAsync(
        () -> alice.getAwsCredentials(role));
    assertTrue(inFlight.await(WAIT.toSeconds(), TimeUnit.SECONDS));
    broker.newRecords();

    StatusRuntimeException refused = refusal(() -> bob.getAwsCredentials(role));

    assertEquals(Duration.ofSeconds(1), retryDelay(refused));
    assertEquals("the broker is busy: 1 STS calls are in flight (rate_limits.aws); retry in 1s",
        refused.getStatus().getDescription());
    assertEquals("RESOURCE_EXHAUSTED", broker.newRecords().get(0).get("status"));
    assertEquals(1.0, scrape().value("credbroker_rate_limited_total",
        Map.of("limit", "aws_concurrency")));
    release.countDown();
    assertTrue(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).getAccessKeyId().startsWith("ASIA"));
    assertTrue(bob.getAwsCredentials(role).getAccessKeyId().startsWith("ASIA"),
        "served once the slot is free");
  }

  private void start(String rateLimits, UnaryOperator<StsGateway> aroundSts, int stsSlots)
      throws Exception {
    RateLimitsConfig config = ConfigLoader.parse("server: {listen: 127.0.0.1:0}\nrate_limits: "
        + rateLimits + "\n", "test", Path.of(".")).rateLimits();
    broker = AuditedBroker.start(metrics, new AuditedBroker.Options(new RateLimiter(config, clock),
        new ConcurrencyCap("STS", stsSlots, Duration.ZERO), aroundSts));
  }

  private CredentialBrokerBlockingStub stub(String token) {
    Metadata h = new Metadata();
    h.put(CallInfoInterceptor.AUTHORIZATION, "Bearer " + token);
    return CredentialBrokerGrpc.newBlockingStub(broker.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The RESOURCE_EXHAUSTED that {@code call} ends with. */
  private static StatusRuntimeException refusal(Executable call) {
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
        StatusRuntimeException.class, call);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e::toString);
    return e;
  }

  /** The RetryInfo in the status details, read as a gRPC client reads it. */
  private static Duration retryDelay(StatusRuntimeException e) throws Exception {
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertEquals(1, details.getDetailsCount(), "one detail: RetryInfo");
    RetryInfo retry = details.getDetails(0).unpack(RetryInfo.class);
    return Duration.ofSeconds(retry.getRetryDelay().getSeconds(), retry.getRetryDelay().getNanos());
  }

  private Scrape scrape() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return Scrape.parse(out.toString(StandardCharsets.UTF_8));
  }
}
