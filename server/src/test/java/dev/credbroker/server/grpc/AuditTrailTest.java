package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.core.audit.AuditSearch;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.digest.Sha256;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.proto.v1.AuditRecord;
import dev.credbroker.proto.v1.AuditServiceGrpc;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.ListEntitlementsRequest;
import dev.credbroker.proto.v1.SearchAuditRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.audit.AuditWriter;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.LoopbackBroker;
import dev.credbroker.server.testing.RecordingAuditLog;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The audit trail as a reviewer sees it: every RPC path, allowed, denied or failed, leaves exactly
 * one record with the right facts; nothing secret is in any record or log; an unwritable log
 * refuses decisions; SearchAudit serves only auditors.
 */
class AuditTrailTest {
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final List<String> secrets = new ArrayList<>();
  @TempDir Path dir;
  private DevIssuer idp;
  private FakeSts sts;
  private SdkStsGateway gateway;
  private AuditWriter writer;
  private EventLoops network;
  private final RecordingAuditLog failingLog = new RecordingAuditLog();
  private LoopbackBroker broker;
  private LoopbackBroker failingBroker;

  @BeforeEach
  void start() throws Exception {
    idp = DevIssuer.start(clock);
    sts = FakeSts.start(clock);
    BrokerConfig config = ConfigLoader.parse("""
        server: {listen: 127.0.0.1:0}
        roles:
          deployer: {arn: "arn:aws:iam::123456789012:role/deployer"}
          admin: {arn: "arn:aws:iam::123456789012:role/admin"}
        rules:
          - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer]}
          - {id: security, when: {claims: {groups: {contains: security}}}, auditor: true}
        """, "test", Path.of(".")).withIssuer(idp.issuerConfig());
    BrokerState state = new BrokerState(Authenticator.create(config.issuers(), clock, io),
        new PolicyEngine(config));
    gateway = SdkStsGateway.create(new AwsConfig(Optional.of("us-east-1"),
            Optional.of(sts.endpoint()), Duration.ofSeconds(20)),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID,
            FakeSts.BROKER_SECRET)), clock);
    CredentialVendor vendor = new CredentialVendor(new CredentialCache(gateway, io, clock,
        Duration.ofMinutes(5), Duration.ofMinutes(10), 1000), Duration.ofHours(1));
    Path file = dir.resolve("audit.jsonl");
    network = EventLoops.start(); // as Main: records written at the end of each network turn
    writer = AuditWriter.open(AuditConfig.toFile(file), clock, network);
    AuditRecorder recorder = new AuditRecorder(writer, List.of("groups"), clock);
    Supplier<BrokerState> states = () -> state;
    broker = LoopbackBroker.start(Optional.of(recorder), Optional.of(network),
        new CredentialBrokerService(states, vendor, null, "us-east-1", clock, recorder),
        new AuditSearchService(states, recorder,
            Optional.of(dev.credbroker.server.fleet.AuditSource.files(file)), io, clock));
    AuditRecorder unwritable = new AuditRecorder(failingLog, List.of(), clock);
    failingBroker = LoopbackBroker.start(Optional.of(unwritable),
        new CredentialBrokerService(states, vendor, null, "us-east-1", clock, unwritable));
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
    failingBroker.close();
    writer.close();
    network.close();
    gateway.close();
    sts.close();
    idp.close();
    io.shutdownNow();
  }

  /**
   * On the broker's own network threads records are written at the end of each turn of the event
   * loop; calls in flight together must each still get exactly one record, in one unbroken chain,
   * and every answer must wait for its record.
   */
  @Test
  void concurrentCalls_onTheNetworkThreads_eachLeaveOneRecord_inAnUnbrokenChain()
      throws Exception {
    String alice = token("alice", "developers");
    int calls = 300;
    var stub = with(alice, CredentialBrokerGrpc.newFutureStub(broker.channel()));
    List<com.google.common.util.concurrent.ListenableFuture<?>> answers = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      answers.add(i % 2 == 0 ? stub.whoAmI(WhoAmIRequest.getDefaultInstance())
          : stub.getAwsCredentials(GetAwsCredentialsRequest.newBuilder().setRole("deployer")
              .build()));
    }
    for (var answer : answers) {
      answer.get(30, TimeUnit.SECONDS);
      // answered, so its record is on disk already: count them as the answers come in
    }
    List<AuditEntry> all = records();
    assertEquals(calls, all.size(), "exactly one record per call");
    assertEquals(calls / 2, all.stream().filter(e -> "GetAwsCredentials".equals(e.field("rpc")))
        .count());
    AuditVerifier.Report chain = AuditVerifier.verify(AuditFiles.segments(
        dir.resolve("audit.jsonl")));
    assertTrue(chain.ok(), chain.toString());
    assertEquals(calls, chain.verified());
  }

  @Test
  void everyRpcPath_writesExactlyOneRecordWithItsFacts() throws Exception {
    String alice = token("alice", "developers");
    String mallory = token("mallory", "contractors");

    broker(alice).whoAmI(WhoAmIRequest.getDefaultInstance());
    AuditEntry who = onlyNewRecord();
    assertEquals("WhoAmI", who.field("rpc"));
    assertEquals("allow", who.field("decision"));
    assertEquals("alice", who.callerField("subject"));
    assertEquals(List.of("developers"), who.object("caller").get("claims") instanceof Map<?, ?> m
        ? m.get("groups") : null);
    assertEquals(Sha256.shortHex(Sha256.of(alice)), who.field("token_hash"));

    assertEquals(Status.Code.UNAUTHENTICATED, refused(() -> CredentialBrokerGrpc
        .newBlockingStub(broker.channel()).whoAmI(WhoAmIRequest.getDefaultInstance())));
    AuditEntry missing = onlyNewRecord();
    assertEquals("deny", missing.field("decision"));
    assertEquals("UNAUTHENTICATED", missing.field("status"));
    assertEquals("WhoAmI", missing.field("rpc"));

    assertEquals(Status.Code.UNAUTHENTICATED, refused(() -> broker("not.a.jwt")
        .whoAmI(WhoAmIRequest.getDefaultInstance())));
    AuditEntry notAJwt = onlyNewRecord();
    assertEquals("deny", notAJwt.field("decision"));
    assertTrue(notAJwt.object("unverified").isEmpty(), "it claimed nothing: " + notAJwt.json());

    assertEquals(Status.Code.UNAUTHENTICATED, refused(() -> broker(alice + "x")
        .whoAmI(WhoAmIRequest.getDefaultInstance())));
    AuditEntry tampered = onlyNewRecord();
    assertTrue(tampered.object("caller").isEmpty(), tampered.json());
    assertEquals("alice", tampered.object("unverified").get("subject"), tampered.json());
    assertEquals(idp.issuer(), tampered.object("unverified").get("issuer"), tampered.json());
    assertFalse(tampered.json().contains(alice.substring(alice.lastIndexOf('.') + 1)),
        "never the signature");

    broker(alice).listEntitlements(ListEntitlementsRequest.getDefaultInstance());
    assertEquals("listed 1 roles and 0 secrets", onlyNewRecord().field("reason"));

    AwsCredentials issued = credentials(alice, "deployer");
    AuditEntry miss = onlyNewRecord();
    assertEquals("allow", miss.field("decision"));
    assertEquals("deployer", miss.field("role"));
    assertEquals(List.of("devs"), miss.fields().get("rule_ids"));
    assertEquals(issued.getAccessKeyId(), miss.object("credential").get("access_key_id"));
    assertEquals(issued.getSessionName(), miss.object("credential").get("session_name"));
    assertEquals("miss", miss.field("cache"));
    assertFalse(miss.field("aws_request_id").isEmpty());
    credentials(alice, "deployer");
    assertEquals("hit", onlyNewRecord().field("cache"));

    assertEquals(Status.Code.PERMISSION_DENIED, refused(() -> credentials(mallory, "deployer")));
    AuditEntry denied = onlyNewRecord();
    assertEquals("deny", denied.field("decision"));
    assertEquals("mallory", denied.callerField("subject"));
    assertTrue(denied.field("reason").contains("no rule allows role 'deployer'"), denied.json());

    assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> credentials(alice, "")));
    assertEquals("INVALID_ARGUMENT", onlyNewRecord().field("status"));

    sts.failNext(1, 403, "AccessDenied");
    assertEquals(Status.Code.PERMISSION_DENIED, refused(() -> credentials(token("bob",
        "developers"), "deployer")));
    AuditEntry awsDenied = onlyNewRecord();
    assertEquals("error", awsDenied.field("decision"));
    assertTrue(awsDenied.field("reason").contains("AccessDenied"), awsDenied.json());

    assertEquals(Status.Code.PERMISSION_DENIED, refused(() -> search(alice,
        SearchAuditRequest.getDefaultInstance())));
    assertEquals("SearchAudit", onlyNewRecord().field("rpc"));

    List<AuditRecord> all = new ArrayList<>(search(token("sam", "security"),
        SearchAuditRequest.getDefaultInstance()));
    java.util.Collections.reverse(all); // newest first, read here oldest first
    assertEquals(recordCount(), all.size(), "the search sees every record, its own included");
    assertEquals("SearchAudit", all.get(all.size() - 1).getRpc());
    assertEquals(issued.getAccessKeyId(), all.get(5).getCredential().getAccessKeyId());
    assertEquals("PERMISSION_DENIED", all.get(7).getStatus());
    assertEquals("alice", all.get(3).getUnverified().getSubject(), "the tampered token's claim");
    assertEquals("", all.get(3).getCaller().getSubject());
    for (AuditRecord r : all) { // the message is the line: same names, same values
      AuditEntry line = AuditEntry.parse(r.getRecord().getBytes(StandardCharsets.UTF_8))
          .orElseThrow();
      assertEquals(List.of(line.number("seq"), line.field("prev"), line.field("hash"),
          line.field("request_id"), line.field("decision"), line.field("status"),
          line.field("cache"), line.number("latency_us"), line.callerField("subject"),
          line.object("unverified").getOrDefault("subject", "")),
          List.of(r.getSeq(), r.getPrev(), r.getHash(), r.getRequestId(), r.getDecision(),
              r.getStatus(), r.getCache(), r.getLatencyUs(), r.getCaller().getSubject(),
              r.getUnverified().getSubject()),
          r.getRecord());
    }
  }

  /**
   * A token over the broker's 16 KiB limit but within the transport's metadata limit (four times
   * it) is the broker's to refuse: UNAUTHENTICATED, with a record. Beyond the transport's limit
   * HTTP/2 refuses the header block, and the broker keeps serving.
   */
  @Test
  void oversizedToken_isRefusedByTheBroker_andRecorded() throws Exception {
    String oversized = "e".repeat(40_000);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> broker(oversized).whoAmI(WhoAmIRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
    assertTrue(e.getStatus().getDescription().startsWith("token longer than 16384 characters"),
        e.getStatus().getDescription());
    AuditEntry record = onlyNewRecord();
    assertEquals("deny", record.field("decision"));
    assertEquals("UNAUTHENTICATED", record.field("status"));

    String beyondTheTransport = "e".repeat(70_000);
    assertThrows(StatusRuntimeException.class,
        () -> broker(beyondTheTransport).whoAmI(WhoAmIRequest.getDefaultInstance()));
    String alice = token("alice", "developers");
    assertEquals("alice", broker(alice).whoAmI(WhoAmIRequest.getDefaultInstance()).getSubject());
  }

  @Test
  void recordsAndLogs_holdNoTokenOrCredentialSecret() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      String alice = token("alice", "developers");
      AwsCredentials c = credentials(alice, "deployer");
      secrets.add(c.getSecretAccessKey());
      secrets.add(c.getSessionToken());
      refused(() -> credentials(token("eve", "none"), "deployer"));
      refused(() -> broker(alice + "x").whoAmI(WhoAmIRequest.getDefaultInstance()));
      sts.failNext(1, 403, "AccessDenied");
      refused(() -> credentials(token("carol", "developers"), "deployer"));
      search(token("sam", "security"), SearchAuditRequest.getDefaultInstance());

      String everything = Files.readString(dir.resolve("audit.jsonl")) + String.join("\n", logs.lines());
      for (String secret : secrets) {
        assertFalse(everything.contains(secret), "a secret leaked into the audit log or logs");
      }
      assertTrue(everything.contains(c.getAccessKeyId()), "the access key id is recorded");
    }
  }

  @Test
  void unwritableLog_refusesWithUnavailable_andHandsNothingOut() {
    failingLog.failing(true);
    String alice = token("alice", "developers");

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> with(alice,
        CredentialBrokerGrpc.newBlockingStub(failingBroker.channel())).getAwsCredentials(
            GetAwsCredentialsRequest.newBuilder().setRole("deployer").build()));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("audit log"), e.getStatus().getDescription());

    assertEquals(Status.Code.UNAVAILABLE, refused(() -> CredentialBrokerGrpc
        .newBlockingStub(failingBroker.channel()).whoAmI(WhoAmIRequest.getDefaultInstance())),
        "even a refusal is not answered unrecorded");
    assertEquals(List.of(), failingLog.events());

    failingLog.failing(false);
    with(alice, CredentialBrokerGrpc.newBlockingStub(failingBroker.channel()))
        .getAwsCredentials(GetAwsCredentialsRequest.newBuilder().setRole("deployer").build());
    assertEquals(1, failingLog.events().size());
  }

  @Test
  void searchAudit_filtersAndPages() throws Exception {
    String alice = token("alice", "developers");
    credentials(alice, "deployer");
    refused(() -> credentials(alice, "admin"));
    refused(() -> credentials(token("mallory", "x"), "deployer"));
    String sam = token("sam", "security");

    List<AuditRecord> denials = search(sam, SearchAuditRequest.newBuilder()
        .setDecision(dev.credbroker.proto.v1.Decision.DECISION_DENY).build());
    assertEquals(List.of("deployer", "admin"), denials.stream().map(AuditRecord::getRole).toList(),
        "newest first");
    List<AuditRecord> alices = search(sam, SearchAuditRequest.newBuilder().setSubject("alice")
        .setRole("deployer").build());
    assertEquals(1, alices.size());

    List<AuditRecord> firstPage = search(sam, SearchAuditRequest.newBuilder().setLimit(2).build());
    List<AuditRecord> nextPage = search(sam, SearchAuditRequest.newBuilder().setLimit(2)
        .setAfterRequestId(firstPage.get(1).getRequestId()).build());
    assertEquals(2, firstPage.size());
    assertEquals(firstPage.get(1).getSeq() - 1, nextPage.get(0).getSeq(),
        "the next page continues with the next older record");
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> search(sam,
        SearchAuditRequest.newBuilder().setLimit(AuditQuery.MAX_LIMIT + 1).build())));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> search(sam,
        SearchAuditRequest.newBuilder().setLimit(-1).build())), "uint32 4294967295");
    com.google.protobuf.Timestamp now = com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(clock.instant().getEpochSecond()).build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> search(sam, SearchAuditRequest
        .newBuilder().setSince(now).setUntil(now.toBuilder().setSeconds(now.getSeconds() - 1))
        .build())), "until before since");
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> search(sam, SearchAuditRequest
        .newBuilder().setSince(now.toBuilder().setSeconds(Long.MAX_VALUE).setNanos(2_000_000_000))
        .build())));
  }

  private int lastCount;

  /** The one record the last call added; fails if it added none or several. */
  private AuditEntry onlyNewRecord() throws Exception {
    List<AuditEntry> all = records();
    assertEquals(lastCount + 1, all.size(), "exactly one record per call");
    lastCount = all.size();
    return all.get(all.size() - 1);
  }

  private int recordCount() throws Exception {
    return records().size();
  }

  private List<AuditEntry> records() throws Exception {
    List<AuditEntry> out = new ArrayList<>();
    AuditSearch.run(AuditFiles.segments(dir.resolve("audit.jsonl")),
        AuditQuery.all(AuditQuery.MAX_LIMIT), out::add);
    java.util.Collections.reverse(out); // oldest first
    return out;
  }

  private String token(String subject, String group) {
    String t = idp.mint(subject, Map.of("groups", List.of(group)), Duration.ofHours(1));
    secrets.add(t);
    return t;
  }

  private AwsCredentials credentials(String token, String role) {
    return broker(token).getAwsCredentials(GetAwsCredentialsRequest.newBuilder().setRole(role)
        .build());
  }

  private List<AuditRecord> search(String token, SearchAuditRequest request) {
    List<AuditRecord> out = new ArrayList<>();
    with(token, AuditServiceGrpc.newBlockingStub(broker.channel())).searchAudit(request)
        .forEachRemaining(out::add);
    return out;
  }

  private CredentialBrokerGrpc.CredentialBrokerBlockingStub broker(String token) {
    return with(token, CredentialBrokerGrpc.newBlockingStub(broker.channel()));
  }

  private static <S extends AbstractStub<S>> S with(String token, S stub) {
    Metadata h = new Metadata();
    h.put(CallInfoInterceptor.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static Status.Code refused(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }
}
