package dev.credbroker.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditJson;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.text.JsonText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile refused tokens: whatever their header and payload claim (huge values, control
 * characters, lone surrogates, quotes, non-string claims, nesting, bytes that are not base64url or
 * not JSON), reading what they claimed never throws, keeps only string values cut to 256
 * characters, and the record that carries them is one line of JSON giving back exactly those
 * values, without the token's signature.
 */
class UnverifiedClaimsPropertiesTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String SIGNATURE = "c2lnbmF0dXJlLWJ5dGVzLW5vdC10by1iZS1yZWNvcmRlZA";

  @Property(tries = 400)
  void anyClaims_areRecordedBoundedAndExactly(@ForAll("claim") Object iss,
      @ForAll("claim") Object sub, @ForAll("claim") Object kid) {
    String token = part(Map.of("alg", "RS256", "kid", kid)) + "." + part(Map.of("iss", iss,
        "sub", sub, "exp", 1)) + "." + SIGNATURE;
    Optional<AuditEvent.Unverified> read = UnverifiedClaims.of(token);
    if (token.length() > TokenVerifier.MAX_TOKEN_CHARS) {
      assertTrue(read.isEmpty(), "a token over the bound is not read at all");
      return;
    }

    assertEquals(expected(iss), read.map(AuditEvent.Unverified::issuer).orElse(""));
    assertEquals(expected(sub), read.map(AuditEvent.Unverified::subject).orElse(""));
    assertEquals(expected(kid), read.map(AuditEvent.Unverified::kid).orElse(""));
    String line = new String(AuditJson.decision(refusal(read)), StandardCharsets.UTF_8);
    assertFalse(line.contains("\n") || line.contains("\r"), line);
    assertFalse(line.contains(SIGNATURE));
    Map<String, Object> recorded = AuditEntry.parse(("{\"v\":1" + line + "}")
        .getBytes(StandardCharsets.UTF_8)).orElseThrow().object("unverified");
    assertEquals(expected(sub), recorded.getOrDefault("subject", ""));
    assertEquals(expected(iss), recorded.getOrDefault("issuer", ""));
  }

  @Property(tries = 300)
  void anyBytes_neverThrow(@ForAll("garbage") String token) {
    Optional<AuditEvent.Unverified> read = UnverifiedClaims.of(token);
    read.ifPresent(u -> assertTrue(u.issuer().length() <= 256 && u.subject().length() <= 256
        && u.kid().length() <= 256));
  }

  private static String expected(Object claim) {
    if (!(claim instanceof String s)) {
      return "";
    }
    return s.length() <= 256 ? s : s.substring(0, Character.isHighSurrogate(s.charAt(255))
        ? 255 : 256);
  }

  private static AuditEvent refusal(Optional<AuditEvent.Unverified> unverified) {
    return new AuditEvent(Instant.EPOCH, "req", Rpc.WHO_AM_I, Optional.empty(), "127.0.0.1:1",
        "0123456789abcdef", Optional.empty(), Optional.empty(), AuditEvent.Decision.DENY,
        List.of(), "token refused", StatusCode.UNAUTHENTICATED, Optional.empty(),
        Optional.empty(), AuditEvent.Cache.NOT_APPLICABLE, "", Duration.ZERO, unverified);
  }

  private static String part(Map<String, Object> json) {
    StringBuilder out = new StringBuilder();
    JsonText.value(out, json);
    return B64.encodeToString(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<Object> claim() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
        Arbitraries.strings().all().ofMaxLength(300).map(s -> (Object) s),
        Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(20).map(s -> s),
        Arbitraries.of("x".repeat(5000), "\ud800", "a\"b\\c", "\u2028\u2029", "", 42L, 1.5,
            true, List.of("a", "b"), Map.of("nested", Map.of("deeper", "x"))));
  }

  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().withChars("ABCabc012-_.=").ofMaxLength(200),
        Arbitraries.strings().all().ofMaxLength(100).map(s -> B64.encodeToString(
            s.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(
            ("{\"sub\":" + s).getBytes(StandardCharsets.UTF_8)) + ".x"),
        Arbitraries.of("..", ".", "a.b", "e30.e30.", "e30.W10.x", "x".repeat(20_000) + ".a.b"));
  }
}
