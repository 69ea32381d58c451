package dev.credbroker.client.token;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.credbroker.client.SecretValue;
import dev.credbroker.client.SessionCredentials;
import java.lang.reflect.Constructor;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every client type that holds a bearer token or a secret prints without it, so a log line or a
 * debugger's view of one never shows the value. The private records are built reflectively: they
 * are what a caching token source keeps, and are printed if anyone ever logs them.
 */
class TokenHoldersTest {
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz";
  private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";
  private static final String VALUE = "db-password-c0ffee";

  @Test
  void toString_ofEveryTypeHoldingATokenOrSecret_showsNoneOfIt() throws Exception {
    List<Object> holders = List.of(
        construct("OAuth2ClientCredentials$Cached", TOKEN, Instant.EPOCH),
        construct("FileTokenSource$Read", "key", FileTime.from(Instant.EPOCH), 10L, 1L, TOKEN),
        new SessionCredentials("ASIAEXAMPLE", SECRET_KEY, SESSION_TOKEN, Instant.EPOCH, "arn",
            "us-east-1", "role", "alice.1", Optional.empty()),
        SecretValue.ofString("s", "n", "arn", "v", List.of(), Optional.empty(), VALUE),
        TokenSource.of(TOKEN));
    for (Object holder : holders) {
      String printed = String.valueOf(holder);
      for (String secret : List.of(TOKEN, SECRET_KEY, SESSION_TOKEN, VALUE)) {
        for (String part : secret.split("\\.")) {
          assertFalse(printed.contains(part), holder.getClass().getName() + " prints a secret: "
              + printed);
        }
      }
    }
  }

  private static Object construct(String nested, Object... args) throws Exception {
    Constructor<?> constructor = Class.forName("dev.credbroker.client.token." + nested)
        .getDeclaredConstructors()[0];
    constructor.setAccessible(true);
    return constructor.newInstance(args);
  }
}
