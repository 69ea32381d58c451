package dev.credbroker.server.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SessionNamesTest {
  private static final Pattern STS = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final String ISSUER = "https://idp.example.com/realms/corp";

  @Test
  void of_repeatedCaller_isTheSameNameEveryTime() {
    String first = SessionNames.of(ISSUER, "alice@example.com");

    assertEquals(first, SessionNames.of(ISSUER, "alice@example.com"));
    assertEquals(first, SessionNames.of(new String(ISSUER), new String("alice@example.com")));
    assertTrue(first.matches("alice@example\\.com\\.[0-9a-f]{16}"), first);
  }

  @Test
  void of_sameSubjectOtherIssuer_orCleanedAlike_getsAnotherName() {
    String alice = SessionNames.of(ISSUER, "alice smith");

    assertNotEquals(alice, SessionNames.of("https://other.example.com", "alice smith"));
    assertNotEquals(alice, SessionNames.of(ISSUER, "alice/smith")); // both read alice-smith
    assertTrue(alice.startsWith("alice-smith."), alice);
  }

  @Test
  void of_longSubject_fitsStsAndStaysUnique() {
    String prefix = "x".repeat(SessionNames.READABLE_PART);
    String one = SessionNames.of(ISSUER, prefix + "-one");
    String two = SessionNames.of(ISSUER, prefix + "-two");

    assertTrue(STS.matcher(one).matches(), one);
    assertNotEquals(one, two);
  }
}
