package dev.credbroker.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.credbroker.server.auth.AuthenticationException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokenTest {

  @Test
  void schemeIsCaseInsensitiveAndWhitespaceTrimmed() throws Exception {
    assertEquals("a.b.c", BearerToken.fromAuthorization(List.of("Bearer a.b.c")));
    assertEquals("a.b.c", BearerToken.fromAuthorization(List.of("  bearer   a.b.c ")));
    assertEquals("a.b.c", BearerToken.fromAuthorization(List.of("BEARER a.b.c")));
  }

  @Test
  void missingEmptyDuplicateOrOtherScheme_isRefused() {
    assertEquals(Reason.MISSING_TOKEN, reason(List.of()));
    assertEquals(Reason.MISSING_TOKEN, reason(List.of("Bearer")));
    assertEquals(Reason.MALFORMED, reason(List.of("Bearer a", "Bearer b")));
    assertEquals(Reason.MALFORMED, reason(List.of("Basic dXNlcg==")));
    assertEquals(Reason.MALFORMED, reason(List.of("Bearer a b")));
    assertEquals(Reason.MALFORMED, reason(List.of("Bearer " + "a".repeat(16 * 1024 + 1))));
  }

  private static Reason reason(List<String> values) {
    return assertThrows(AuthenticationException.class, () -> BearerToken.fromAuthorization(values))
        .reason();
  }
}
