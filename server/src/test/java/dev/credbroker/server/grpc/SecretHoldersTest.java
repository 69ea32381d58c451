package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.credbroker.server.aws.AssumeRoleCall;
import dev.credbroker.server.aws.SecretCall;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.cache.SecretCache;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.Secret;
import dev.credbroker.server.model.SecretBytes;
import dev.credbroker.server.model.SecretVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every type that holds a bearer token or a secret prints without it, so a log line, an exception
 * message or a debugger's view of one never shows the value.
 */
class SecretHoldersTest {
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz";
  private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";
  private static final String VALUE = "db-password-c0ffee";

  @Test
  void toString_ofEveryTypeHoldingATokenOrSecret_showsNoneOfIt() {
    CallInfo call = CallInfo.of(List.of("Bearer " + TOKEN), "127.0.0.1:5000", Optional.empty(),
        "req-1");
    AssumeRoleCall.WebIdentity web = new AssumeRoleCall.WebIdentity(Secret.of(TOKEN), "0123abcd");
    AssumeRoleCall sts = new AssumeRoleCall(Optional.of(web), "arn:aws:iam::1:role/r", "alice.1",
        Duration.ofHours(1), Map.of(), List.of(), Optional.empty(), Optional.empty(), List.of(),
        Optional.empty());
    IssuedCredentials issued = new IssuedCredentials("ASIAEXAMPLE", Secret.of(SECRET_KEY),
        Secret.of(SESSION_TOKEN), Instant.EPOCH, Instant.EPOCH, "arn", Optional.empty(), "req");
    SecretVersion string = new SecretVersion("n", "arn", "v", List.of("AWSCURRENT"),
        Optional.empty(), Optional.of(Secret.of(VALUE)), Optional.empty(), "req");
    SecretVersion binary = new SecretVersion("n", "arn", "v", List.of("AWSCURRENT"),
        Optional.empty(), Optional.empty(),
        Optional.of(SecretBytes.of(VALUE.getBytes(StandardCharsets.UTF_8))), "req");
    List<Object> holders = List.of(call, Secret.of(TOKEN), web, sts, issued,
        new CredentialVendor.Vended(issued, false, null, "alice.1"), string, binary,
        new SecretCache.Key(new SecretCall("id", Optional.empty(), Optional.empty()),
            Optional.of(sts)));

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
}
