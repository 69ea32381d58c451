package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.proto.v1.AuditServiceGrpc;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.ListEntitlementsRequest;
import dev.credbroker.proto.v1.SearchAuditRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.testing.AuditedBroker;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every RPC of CredentialBroker and AuditService, driven over loopback with extreme values in
 * every field (longs and ints at and beyond their limits, out-of-range durations and timestamps,
 * long strings full of control characters, unknown enum numbers and fields) and with good, bad
 * and re-spelled tokens: each call gets a status the contract documents, never UNKNOWN or
 * INTERNAL, and leaves exactly one audit record saying the same.
 */
class RpcExtremesPropertiesTest {
  /** What broker.proto and audit.proto promise; a caller can never cause UNKNOWN or INTERNAL. */
  private static final Set<Status.Code> DOCUMENTED = Set.of(Status.Code.OK,
      Status.Code.INVALID_ARGUMENT, Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED,
      Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED,
      Status.Code.UNAVAILABLE);
  /** google/protobuf/duration.proto and timestamp.proto: the ranges a valid value lies in. */
  private static final long MAX_DURATION_SECONDS = 315_576_000_000L;
  private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
  private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

  private static AuditedBroker broker;
  private static Map<String, String> bearers;

  /** A caller and what its token may do. */
  enum Caller { DEVELOPER, AUDITOR, NOBODY, RESPELLED, GARBAGE, NONE }

  @BeforeContainer
  static void start() throws Exception {
    broker = AuditedBroker.start();
    String alice = broker.token("alice", "developers");
    bearers = Map.of(
        "DEVELOPER", alice,
        "AUDITOR", broker.token("sam", "security"),
        "NOBODY", broker.token("eve", "contractors"),
        "RESPELLED", respelled(alice),
        "GARBAGE", "not.a.jwt");
  }

  @AfterContainer
  static void stop() throws Exception {
    broker.close();
  }

  @Property(tries = 300)
  void getAwsCredentials(@ForAll("callers") Caller caller, @ForAll("aliases") String role,
      @ForAll("durations") Optional<Duration> duration) {
    GetAwsCredentialsRequest.Builder r = GetAwsCredentialsRequest.newBuilder().setRole(role);
    duration.ifPresent(r::setDuration);
    Status status = call(caller, "GetAwsCredentials", CredentialBrokerGrpc::newBlockingStub,
        stub -> stub.getAwsCredentials(r.build()));
    if (caller != Caller.NONE && !role.isEmpty() && role.length() <= 2048
        && duration.filter(d -> !acceptable(d)).isPresent()) {
      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
    }
  }

  @Property(tries = 200)
  void getSecretValue(@ForAll("callers") Caller caller, @ForAll("aliases") String secret,
      @ForAll("texts") String version, @ForAll("versionKinds") int kind, @ForAll boolean force) {
    GetSecretValueRequest.Builder r = GetSecretValueRequest.newBuilder().setSecret(secret)
        .setForceRefresh(force);
    if (kind == 1) {
      r.setVersionId(version);
    } else if (kind == 2) {
      r.setVersionStage(version);
    }
    call(caller, "GetSecretValue", CredentialBrokerGrpc::newBlockingStub,
        stub -> stub.getSecretValue(r.build()));
  }

  @Property(tries = 40)
  void listEntitlementsAndWhoAmI(@ForAll("callers") Caller caller,
      @ForAll("unknownFields") UnknownFieldSet unknown) {
    call(caller, "ListEntitlements", CredentialBrokerGrpc::newBlockingStub, stub ->
        stub.listEntitlements(ListEntitlementsRequest.newBuilder().setUnknownFields(unknown).build()));
    Status who = call(caller, "WhoAmI", CredentialBrokerGrpc::newBlockingStub,
        stub -> stub.whoAmI(WhoAmIRequest.newBuilder().setUnknownFields(unknown).build()));
    assertEquals(caller == Caller.DEVELOPER || caller == Caller.AUDITOR || caller == Caller.NOBODY
        ? Status.Code.OK : Status.Code.UNAUTHENTICATED, who.getCode(), who.toString());
  }

  @Property(tries = 150)
  void searchAudit(@ForAll("callers") Caller caller, @ForAll("searches") SearchAuditRequest r) {
    Status status = call(caller, "SearchAudit", AuditServiceGrpc::newBlockingStub,
        stub -> {
          stub.searchAudit(r).forEachRemaining(record -> { });
          return null;
        });
    boolean badWindow = (r.hasSince() && !valid(r.getSince()))
        || (r.hasUntil() && !valid(r.getUntil()))
        || (r.hasSince() && r.hasUntil() && valid(r.getSince()) && valid(r.getUntil())
            && compare(r.getUntil(), r.getSince()) < 0);
    boolean badLimit = Integer.toUnsignedLong(r.getLimit()) > AuditQuery.MAX_LIMIT;
    boolean longFilter = List.of(r.getSubject(), r.getIssuer(), r.getRole(), r.getSecret(),
        r.getAfterRequestId()).stream().anyMatch(s -> s.length() > 2048);
    if (caller == Caller.AUDITOR) {
      assertEquals(badWindow || badLimit || longFilter ? Status.Code.INVALID_ARGUMENT
          : Status.Code.OK, status.getCode(), status.toString());
    }
  }

  /**
   * Calls {@code rpc} as {@code caller} and checks the invariants every call keeps: a documented
   * status, exactly one new audit record with that status, and no re-spelled token accepted.
   */
  private static <S extends AbstractStub<S>> Status call(Caller caller, String rpc,
      Function<io.grpc.Channel, S> stubs, Function<S, Object> invoke) {
    S stub = stubs.apply(broker.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    if (caller != Caller.NONE) {
      Metadata h = new Metadata();
      h.put(CallInfoInterceptor.AUTHORIZATION, "Bearer " + bearers.get(caller.name()));
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
    }
    Status status;
    try {
      invoke.apply(stub);
      status = Status.OK;
    } catch (StatusRuntimeException e) {
      status = e.getStatus();
    }
    List<Map<String, Object>> records = broker.newRecords();
    assertTrue(DOCUMENTED.contains(status.getCode()), rpc + ": " + status);
    if (caller == Caller.RESPELLED) {
      assertTrue(status.getCode() == Status.Code.UNAUTHENTICATED
          || status.getCode() == Status.Code.INVALID_ARGUMENT, rpc + ": " + status);
    }
    assertEquals(1, records.size(), rpc + " " + status + ": " + records);
    assertEquals(rpc, records.get(0).get("rpc"));
    assertEquals(status.getCode().name(), records.get(0).get("status"), records.toString());
    return status;
  }

  @Provide
  Arbitrary<Caller> callers() {
    return Arbitraries.of(Caller.class);
  }

  @Provide
  Arbitrary<String> aliases() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.of(AuditedBroker.ROLE, AuditedBroker.SECRET)),
        net.jqwik.api.Tuple.of(4, texts()));
  }

  /** Empty, short and over-limit strings, with control characters, NULs and non-ASCII. */
  @Provide
  Arbitrary<String> texts() {
    net.jqwik.api.arbitraries.StringArbitrary hostile = Arbitraries.strings().withCharRange('\u0000', '\u001f')
        .withCharRange(' ', '~').withChars('\u007f', '\u0085', '\u2028', '\u2029', '\ufeff', 'é')
        .withCharRange('\u4e00', '\u4e2f');
    return Arbitraries.oneOf(hostile.ofMaxLength(80), hostile.ofMinLength(2040).ofMaxLength(2100),
        hostile.ofMinLength(2049).ofMaxLength(3000));
  }

  @Provide
  Arbitrary<Integer> versionKinds() {
    return Arbitraries.integers().between(0, 2);
  }

  @Provide
  Arbitrary<Optional<Duration>> durations() {
    Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.longs(),
        Arbitraries.longs().between(-MAX_DURATION_SECONDS - 2, MAX_DURATION_SECONDS + 2),
        Arbitraries.longs().between(890, 43_300),
        Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, MAX_DURATION_SECONDS,
            MAX_DURATION_SECONDS + 1, -MAX_DURATION_SECONDS - 1));
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.integers(),
        Arbitraries.of(0, 999_999_999, 1_000_000_000, 2_000_000_000, -999_999_999,
            -1_000_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE));
    return Combinators.combine(seconds, nanos)
        .as((s, n) -> Duration.newBuilder().setSeconds(s).setNanos(n).build()).optional(0.9);
  }

  @Provide
  Arbitrary<Timestamp> timestamps() {
    Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.longs(),
        Arbitraries.longs().between(MIN_TIMESTAMP_SECONDS - 2, MAX_TIMESTAMP_SECONDS + 2),
        Arbitraries.longs().between(System.currentTimeMillis() / 1000 - 86_400,
            System.currentTimeMillis() / 1000 + 86_400),
        Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, MIN_TIMESTAMP_SECONDS,
            MAX_TIMESTAMP_SECONDS, MAX_TIMESTAMP_SECONDS + 1));
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.integers(),
        Arbitraries.of(0, 999_999_999, 1_000_000_000, -1, Integer.MAX_VALUE, Integer.MIN_VALUE));
    return Combinators.combine(seconds, nanos)
        .as((s, n) -> Timestamp.newBuilder().setSeconds(s).setNanos(n).build());
  }

  @Provide
  Arbitrary<SearchAuditRequest> searches() {
    Arbitrary<Optional<Timestamp>> since = timestamps().optional(0.5);
    Arbitrary<Optional<Timestamp>> until = timestamps().optional(0.5);
    Arbitrary<Integer> limit = Arbitraries.oneOf(Arbitraries.integers(),
        Arbitraries.integers().between(0, AuditQuery.MAX_LIMIT + 1),
        Arbitraries.of(0, 1, AuditQuery.MAX_LIMIT, AuditQuery.MAX_LIMIT + 1, -1, Integer.MIN_VALUE));
    Arbitrary<Integer> decision = Arbitraries.oneOf(Arbitraries.integers().between(0, 4),
        Arbitraries.integers());
    Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.just(""), texts());
    return Combinators.combine(since, until, limit, decision, text, text, text,
        Combinators.combine(text, text).as(List::of)).as((s, u, l, d, subject, issuer, role,
            more) -> {
          SearchAuditRequest.Builder b = SearchAuditRequest.newBuilder().setLimit(l)
              .setDecisionValue(d).setSubject(subject).setIssuer(issuer).setRole(role)
              .setSecret(more.get(0)).setAfterRequestId(more.get(1));
          s.ifPresent(b::setSince);
          u.ifPresent(b::setUntil);
          return b.build();
        });
  }

  @Provide
  Arbitrary<UnknownFieldSet> unknownFields() {
    return Combinators.combine(Arbitraries.integers().between(1, 536_870_911),
        Arbitraries.longs(), Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
        .as((number, varint, bytes) -> UnknownFieldSet.newBuilder().addField(number,
            UnknownFieldSet.Field.newBuilder().addVarint(varint)
                .addLengthDelimited(com.google.protobuf.ByteString.copyFrom(bytes)).build())
            .build());
  }

  /** Within duration.proto's range, signs agreeing, and at least STS's 15 minutes. */
  private static boolean acceptable(Duration d) {
    return Math.abs(d.getSeconds()) <= MAX_DURATION_SECONDS && Math.abs(d.getNanos()) <= 999_999_999
        && (d.getSeconds() == 0 || d.getNanos() == 0
            || Long.signum(d.getSeconds()) == Integer.signum(d.getNanos()))
        && (d.getSeconds() > 900 || (d.getSeconds() == 900 && d.getNanos() >= 0));
  }

  private static boolean valid(Timestamp t) {
    return t.getSeconds() >= MIN_TIMESTAMP_SECONDS && t.getSeconds() <= MAX_TIMESTAMP_SECONDS
        && t.getNanos() >= 0 && t.getNanos() <= 999_999_999;
  }

  private static int compare(Timestamp a, Timestamp b) {
    int bySeconds = Long.compare(a.getSeconds(), b.getSeconds());
    return bySeconds != 0 ? bySeconds : Integer.compare(a.getNanos(), b.getNanos());
  }

  /** The token with an unused bit of its signature's last character set: same bytes. */
  private static String respelled(String token) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(token.charAt(token.length() - 1));
    if (token.substring(token.lastIndexOf('.') + 1).length() % 4 != 2) {
      throw new IllegalStateException("an RS256 signature has 4 unused bits");
    }
    return token.substring(0, token.length() - 1) + alphabet.charAt(last | 1);
  }
}
