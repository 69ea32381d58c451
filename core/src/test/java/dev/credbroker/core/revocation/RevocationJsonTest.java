package dev.credbroker.core.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A revocation survives the file and the store as JSON; garbage is refused, never half-read. */
class RevocationJsonTest {

  @Example
  void everyTargetKind_roundTrips() {
    for (RevocationTarget t : List.of(new RevocationTarget.Subject("https://i", "alice"),
        new RevocationTarget.ClientId("ci"), new RevocationTarget.TokenHash("0123456789abcdef"),
        new RevocationTarget.SourceIdentity("alice@corp"))) {
      Revocation r = new Revocation("r-1", t, List.of("deployer"), List.of("db"),
          Instant.parse("2026-11-30T15:00:00.123Z"), false, "laptop \"stolen\"\u2028", "admin",
          Instant.parse("2026-11-30T15:00:01Z"), Optional.of(Instant.parse("2026-12-01T03:00:00Z")));
      assertEquals(r, RevocationJson.read(RevocationJson.write(r)));
    }
  }

  @Property(tries = 300)
  void anyText_isReadAsARevocationOrRefusedWithIllegalArgument(@ForAll("texts") String text) {
    try {
      Revocation r = RevocationJson.read(text);
      assertEquals(r, RevocationJson.read(RevocationJson.write(r)));
    } catch (IllegalArgumentException expected) {
      assertEquals(false, expected.getMessage().contains(text.length() > 3 ? text : "\u0000"),
          "the message does not echo the input");
    }
  }

  @Provide
  Arbitrary<String> texts() {
    String valid = RevocationJson.write(new Revocation("r", new RevocationTarget.ClientId("c"),
        List.of(), List.of(), Instant.EPOCH, true, "why", "who", Instant.EPOCH, Optional.empty()));
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.of(valid, "{}", "[]", "null", "{\"id\":1}", valid.replace("\"c\"", "1"),
            valid.replace("client_id", "subject"), valid.replace("1970", "x970"),
            valid.replace("\"roles\":[]", "\"roles\":\"x\""),
            valid.replace("\"roles\":[]", "\"roles\":[null]")),
        Arbitraries.integers().between(0, valid.length() - 1).map(i -> valid.substring(0, i)));
  }

  @Example
  void aTargetNamingTwoKinds_isRefused() {
    String two = "{\"id\":\"r\",\"target\":{\"client_id\":\"c\",\"token_hash\":\"0123456789abcdef\"},"
        + "\"before\":\"2026-11-30T15:00:00Z\",\"reason\":\"x\",\"revoked_by\":\"a\","
        + "\"created\":\"2026-11-30T15:00:00Z\"}";
    assertThrows(IllegalArgumentException.class, () -> RevocationJson.read(two));
  }
}
