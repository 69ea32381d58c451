package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.credbroker.core.revocation.RevocationJson;
import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.proto.v1.RevokeRequest;
import dev.credbroker.proto.v1.SubjectTarget;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile Revoke requests: whatever an admin's client sends, the request is either a revocation
 * that survives the store's JSON or INVALID_ARGUMENT, never another status or an exception that
 * would end the call as UNKNOWN.
 */
class RevocationRequestsTest {
  private static final Instant NOW = Instant.parse("2026-11-30T15:00:00Z");

  @Property(tries = 500)
  void anyRevokeRequest_isARevocationOrInvalidArgument(@ForAll("requests") RevokeRequest r) {
    try {
      RevocationRequests.Checked c = RevocationRequests.check(r, NOW);
      Revocation made = new Revocation("rv-000000000000", c.target(), c.roles(), c.secrets(),
          c.before(), c.allTokens(), c.reason(), "iss sub", NOW,
          c.expiresAfter().map(c.before()::plus));
      assertEquals(made, RevocationJson.read(RevocationJson.write(made)));
      assertTrue(RevocationRequests.proto(made).getId().equals(made.id()));
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
      assertTrue(e.getStatus().getDescription().length() < 400);
    }
  }

  @Provide
  Arbitrary<RevokeRequest> requests() {
    Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(80),
        Arbitraries.strings().ofMinLength(1000).ofMaxLength(3000),
        Arbitraries.of("", " ", "alice", "0123456789abcdef", "a\u0000b", "\u202e", "x\ny"));
    Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.longs(),
        Arbitraries.of(0L, -1L, NOW.getEpochSecond(), NOW.getEpochSecond() + 301,
            253_402_300_800L, -62_135_596_801L));
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.integers(),
        Arbitraries.of(0, -1, 999_999_999, 1_000_000_000));
    return Arbitraries.integers().between(0, 4).flatMap(kind -> text.list().ofMaxSize(4)
        .flatMap(words -> seconds.flatMap(s -> nanos.map(n -> {
          String w = words.isEmpty() ? "" : words.get(0);
          RevokeRequest.Builder b = RevokeRequest.newBuilder();
          switch (kind) {
            case 0 -> b.setSubject(SubjectTarget.newBuilder().setIssuer(w).setSubject(
                words.size() > 1 ? words.get(1) : w));
            case 1 -> b.setClientId(w);
            case 2 -> b.setTokenHash(w);
            case 3 -> b.setSourceIdentity(w);
            default -> { }
          }
          b.setReason(words.size() > 2 ? words.get(2) : "INC-1");
          b.addAllRoles(words.size() > 3 ? List.of(words.get(3)) : List.of());
          b.addAllSecrets(words.size() > 1 && kind == 1 ? List.of(words.get(1)) : List.of());
          if (s % 3 == 0) {
            b.setBefore(Timestamp.newBuilder().setSeconds(s).setNanos(n));
          }
          if (s % 5 == 0) {
            b.setExpiresAfter(Duration.newBuilder().setSeconds(s).setNanos(n));
          }
          return b.setAllTokens(s % 2 == 0).build();
        }))));
  }
}
