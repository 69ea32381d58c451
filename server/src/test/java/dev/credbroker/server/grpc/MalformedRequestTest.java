package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.credbroker.proto.v1.AuditServiceGrpc;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.ListEntitlementsRequest;
import dev.credbroker.proto.v1.SearchAuditRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.ops.LogSetup;
import dev.credbroker.server.testing.AuditedBroker;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.RawBytes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Request bodies that are not the method's message (random bytes, truncated fields, invalid UTF-8
 * in a string field, bad tags, no message or two on a unary call), sent over a real connection
 * with the real method names: each is answered with INVALID_ARGUMENT and leaves exactly one audit
 * record, and a flood of them leaves a short log without stack traces.
 */
class MalformedRequestTest {
  /** Each broker RPC with the parser of its request, the ground truth of what is malformed. */
  record Rpc(String fullName, MethodDescriptor.MethodType type, Parser<?> parser) {
    String bareName() {
      return fullName.substring(fullName.indexOf('/') + 1);
    }
  }

  static final List<Rpc> RPCS = List.of(
      new Rpc(CredentialBrokerGrpc.getGetAwsCredentialsMethod().getFullMethodName(),
          MethodDescriptor.MethodType.UNARY, GetAwsCredentialsRequest.parser()),
      new Rpc(CredentialBrokerGrpc.getGetSecretValueMethod().getFullMethodName(),
          MethodDescriptor.MethodType.UNARY, GetSecretValueRequest.parser()),
      new Rpc(CredentialBrokerGrpc.getListEntitlementsMethod().getFullMethodName(),
          MethodDescriptor.MethodType.UNARY, ListEntitlementsRequest.parser()),
      new Rpc(CredentialBrokerGrpc.getWhoAmIMethod().getFullMethodName(),
          MethodDescriptor.MethodType.UNARY, WhoAmIRequest.parser()),
      new Rpc(AuditServiceGrpc.getSearchAuditMethod().getFullMethodName(),
          MethodDescriptor.MethodType.SERVER_STREAMING, SearchAuditRequest.parser()));

  /** Bodies no request message parses from, each for its own reason. */
  static final Map<String, String> CORPUS = Map.of(
      "truncated length-delimited field", "0a05616263",
      "invalid UTF-8 in every string field", "0a02c328" + "1a02c328" + "2202c328",
      "zero tag", "00",
      "wire type 6", "0e",
      "end group without start", "0c",
      "varint longer than ten bytes", "08ffffffffffffffffffffff01",
      "negative length", "0affffffff0f",
      "truncated nested message", "120208",
      "group never ended", "0b");

  private static AuditedBroker broker;
  private static String alice;

  @BeforeContainer
  static void start() throws Exception {
    LogSetup.bridgeJavaUtilLogging(); // as Main does: gRPC's own logs are checked too
    broker = AuditedBroker.start();
    alice = broker.token("alice", "developers");
  }

  @AfterContainer
  static void stop() throws Exception {
    broker.close();
  }

  @Example
  void corpus_everyRpc_everyBearer_invalidArgumentAndOneRecord() {
    for (Rpc rpc : RPCS) {
      for (Map.Entry<String, String> body : CORPUS.entrySet()) {
        byte[] bytes = HexFormat.of().parseHex(body.getValue());
        if (parses(rpc, bytes)) {
          continue; // e.g. invalid UTF-8 in a field an empty request does not have
        }
        for (String bearer : List.of("Bearer " + alice, "Bearer not.a.jwt")) {
          Status status = call(rpc, bearer, List.of(bytes));
          assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(),
              rpc.bareName() + ", " + body.getKey() + ": " + status);
          assertTrue(status.getDescription().startsWith("request body is not a valid "),
              status.getDescription());
          assertOneRecord(rpc, "error", status);
        }
      }
    }
  }

  @Example
  void unaryCall_withNoMessageOrTwo_isInvalidArgumentWithOneRecord() {
    byte[] empty = new byte[0];
    for (Rpc rpc : RPCS) {
      for (List<byte[]> messages : List.of(List.<byte[]>of(), List.of(empty, empty))) {
        Status status = call(rpc, "Bearer " + alice, messages);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), rpc.bareName() + ": " + status);
        assertOneRecord(rpc, "error", status);
      }
    }
  }

  @Example
  void withoutABearer_theMissingTokenIsWhatIsRefused() {
    for (Rpc rpc : RPCS) {
      Status status = call(rpc, null, List.of(HexFormat.of().parseHex("0a05616263")));
      assertEquals(Status.Code.UNAUTHENTICATED, status.getCode(), rpc.bareName() + ": " + status);
      assertOneRecord(rpc, "deny", status);
    }
  }

  /**
   * A body over the broker's size limit (64 KiB) but within the transport's (four times it) is
   * refused by the broker: RESOURCE_EXHAUSTED, one record, no stack trace in the log.
   */
  @Example
  void oversizedBody_isResourceExhaustedWithOneRecord_andNoStackTrace() {
    try (LogCapture logs = new LogCapture()) {
      byte[] oversized = new byte[100_000];
      oversized[0] = 0x0a; // a length-delimited field whose length is never reached
      for (Rpc rpc : RPCS) {
        Status status = call(rpc, "Bearer " + alice, List.of(oversized));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), rpc.bareName() + ": " + status);
        assertEquals("request body over the broker's limit of 65536 bytes"
            + " (server.limits.max_inbound_message_size)", status.getDescription());
        assertOneRecord(rpc, "error", status);
      }
      logs.lines().forEach(l -> assertFalse(l.contains("\tat "), "a stack trace: " + l));
    }
  }

  @Example
  void healthCheck_withAMalformedBody_isInvalidArgument() {
    Rpc health = new Rpc(HealthGrpc.getCheckMethod().getFullMethodName(),
        MethodDescriptor.MethodType.UNARY, io.grpc.health.v1.HealthCheckRequest.parser());
    assertEquals(Status.Code.INVALID_ARGUMENT, call(health, null,
        List.of(HexFormat.of().parseHex("0a05616263"))).getCode());
    assertEquals(List.of(), broker.newRecords(), "health is not audited");
  }

  @Example
  void aFlood_leavesOneRecordPerCall_andAtMostOneShortLogLinePerCause() {
    try (LogCapture logs = new LogCapture()) {
      int calls = 0;
      for (int round = 0; round < 20; round++) {
        for (Rpc rpc : RPCS) {
          for (String hex : List.of("0a05616263", "00", "0e")) {
            call(rpc, "Bearer not.a.jwt", List.of(HexFormat.of().parseHex(hex)));
            calls++;
          }
        }
      }
      assertEquals(calls, broker.newRecords().size(), "one record per call");
      List<String> lines = logs.lines();
      for (String line : lines) {
        assertFalse(line.contains("\tat "), "a stack trace was logged: " + line);
        assertTrue(line.length() < 400, "a long log line: " + line);
      }
      long malformed = lines.stream().filter(l -> l.contains("malformed")).count();
      assertTrue(malformed <= RPCS.size() * 3, "more than one line per cause: " + lines);
    }
  }

  @Property(tries = 300)
  void randomBodies_areAnsweredWithADocumentedStatus_andOneRecord(@ForAll("rpcs") Rpc rpc,
      @ForAll("bodies") byte[] body, @ForAll("bearers") String bearer) {
    Status status = call(rpc, bearer, List.of(body));
    assertTrue(Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.UNAUTHENTICATED,
        Status.Code.PERMISSION_DENIED).contains(status.getCode()), status.toString());
    if (bearer != null && !parses(rpc, body)) {
      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
    }
    List<Map<String, Object>> records = broker.newRecords();
    assertEquals(1, records.size(), "records: " + records);
    assertEquals(status.getCode().name(), records.get(0).get("status"));
    assertEquals(rpc.bareName(), records.get(0).get("rpc"));
  }

  @Provide
  Arbitrary<Rpc> rpcs() {
    return Arbitraries.of(RPCS);
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
  }

  @Provide
  Arbitrary<String> bearers() {
    return Arbitraries.of("Bearer " + alice, "Bearer not.a.jwt", "Bearer a.b.c").injectNull(0.2);
  }

  private static void assertOneRecord(Rpc rpc, String decision, Status status) {
    List<Map<String, Object>> records = broker.newRecords();
    assertEquals(1, records.size(), rpc.bareName() + ": " + records);
    Map<String, Object> record = records.get(0);
    assertEquals(rpc.bareName(), record.get("rpc"));
    assertEquals(decision, record.get("decision"), record.toString());
    assertEquals(status.getCode().name(), record.get("status"));
  }

  private static boolean parses(Rpc rpc, byte[] bytes) {
    try {
      rpc.parser().parseFrom(bytes);
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** Sends {@code messages} as they are to {@code rpc} and returns the status it closed with. */
  static Status call(Rpc rpc, String authorization, List<byte[]> messages) {
    ClientCall<byte[], byte[]> call = broker.channel().newCall(
        RawBytes.method(rpc.fullName(), rpc.type()),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(CallInfoInterceptor.AUTHORIZATION, authorization);
    }
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, headers);
    call.request(Integer.MAX_VALUE);
    messages.forEach(call::sendMessage);
    call.halfClose();
    return closed.join();
  }
}
