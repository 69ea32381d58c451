package dev.credbroker.server.devmode;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What {@code --dev} prints: a loud warning, a token, and a command to try it with. */
public final class DevModeBanner {
  static final Duration TOKEN_LIFETIME = Duration.ofHours(8);

  private DevModeBanner() {}

  public static void print(PrintStream out, DevIssuer issuer, InetSocketAddress broker,
      Optional<Path> auditFile) {
    String token = issuer.mint("dev-user", Map.of(
        "preferred_username", "dev-user",
        "email", "dev-user@example.invalid",
        "groups", List.of("developers")), TOKEN_LIFETIME);
    String target = broker.getHostString() + ":" + broker.getPort();
    out.println("""
        ======================================================================
         DEVELOPMENT MODE - NOT FOR PRODUCTION
         A development identity provider is running at
           %s
         with a key generated at start. Anyone who can reach this broker with
         the token below is "dev-user". The broker is bound to loopback only.
        ======================================================================
        Token for subject "dev-user" (valid %d hours):

        export CREDBROKER_TOKEN=%s

        Then ask the broker who you are:

        java -jar client/target/credbroker.jar whoami --target %s --plaintext
        """.formatted(issuer.issuer(), TOKEN_LIFETIME.toHours(), token, target));
    auditFile.ifPresent(f -> out.println("""
        Every decision is recorded in %s; read it with

        java -jar client/target/credbroker.jar audit search --file %s
        """.formatted(f, f)));
    out.flush();
  }
}
