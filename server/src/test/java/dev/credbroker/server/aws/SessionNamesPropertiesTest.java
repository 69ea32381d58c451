package dev.credbroker.server.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.SessionNameTemplate;
import dev.credbroker.core.digest.CallerDigest;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a token's claims hold (any text, control characters, lone surrogates, huge values,
 * lists, numbers), a session name built from a {@code session_name} template is a valid STS
 * RoleSessionName ending with the caller's digest (which revocations match on), and two callers
 * never share one, whatever their readable parts.
 */
class SessionNamesPropertiesTest {
  private static final Pattern STS = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final SessionNameTemplate TEMPLATE = SessionNameTemplate.parse(
      "svc-{preferred_username}.{azp}");

  @Property(tries = 500)
  void anyClaims_giveAValidStsName_endingWithTheCallersDigest(
      @ForAll("issuers") String issuer, @ForAll("text") String subject,
      @ForAll("claimValue") Object username, @ForAll("claimValue") Object azp) {
    String name = name(issuer, subject, Map.of("preferred_username", username, "azp", azp));

    assertTrue(STS.matcher(name).matches(), name);
    assertTrue(name.endsWith("." + CallerDigest.of(issuer, subject)), name);
  }

  @Property(tries = 500)
  void twoCallers_neverShareAName_evenWithTheSameClaims(
      @ForAll("issuers") String issuer, @ForAll("text") String one, @ForAll("text") String two,
      @ForAll("claimValue") Object username) {
    Map<String, Object> claims = Map.of("preferred_username", username, "azp", "ci");
    if (one.equals(two)) {
      assertEquals(name(issuer, one, claims), name(issuer, two, claims), "stable per caller");
    } else {
      assertNotEquals(name(issuer, one, claims), name(issuer, two, claims));
      assertNotEquals(name(issuer, one, claims), name(issuer + "/x", one, claims));
    }
  }

  private static String name(String issuer, String subject, Map<String, Object> claims) {
    return SessionNames.of(issuer, subject, TEMPLATE.render(claims).orElse(subject));
  }

  @Provide
  Arbitrary<String> issuers() {
    return Arbitraries.of("https://idp.example.com/realms/corp", "https://a.example",
        "http://127.0.0.1:8080");
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMinLength(1).ofMaxLength(80),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(200),
        Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(10),
        Arbitraries.of("\ud800", "a\udc00b", "x".repeat(100_000), "..", "-", "5ffb5600-0e4f"));
  }

  @Provide
  Arbitrary<Object> claimValue() {
    return Arbitraries.oneOf(text().map(s -> (Object) s),
        Arbitraries.of(List.of("a", "b"), Map.of("k", "v"), "", 42, 3.5, true).map(o -> o));
  }
}
