package dev.credbroker.server.devmode;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code --dev} prints: a loud warning, where its parts run, the lines to paste into a
 * second terminal, and the commands that show the whole job (README.md's quickstart runs the same
 * commands, and a test holds the two equal). Never the token itself: it is in a private file.
 */
public final class DevModeBanner {
  public static final Duration TOKEN_LIFETIME = Duration.ofHours(8);
  /** The value the quickstart rotates the dev secret to. */
  static final String ROTATED = "{\"username\":\"dev_app\",\"password\":\"rotated-by-you\"}";

  /**
   * What the banner shows.
   *
   * @param launcher the {@code credbroker} command's absolute path, when it is found beside the jar
   * @param aws the development AWS endpoint, empty with {@code --aws real}
   * @param awsConfig the AWS config file with one profile per role
   * @param roles role aliases, the first read-only one shown for reading, the first other for writing
   * @param secret a secret's alias and id, if the config has one
   */
  public record Facts(String issuer, String target, Path tokenFile, Optional<Path> launcher,
      Optional<URI> aws, Path awsConfig, String region, Optional<Path> auditFile,
      List<String> roles, Optional<SecretRef> secret) {}

  /** A secret by the alias callers use and the id Secrets Manager knows. */
  public record SecretRef(String alias, String id) {}

  private DevModeBanner() {}

  public static void print(PrintStream out, Facts f) {
    out.println("======================================================================");
    out.println(" DEVELOPMENT MODE - NOT FOR PRODUCTION");
    out.println(" Identity provider: " + f.issuer() + " (key generated at start)");
    out.println(f.aws().map(u -> " AWS (development): " + u + " - STS and Secrets Manager;"
        + "\n   its credentials are accepted nowhere else").orElse(" AWS: the real one, with"
        + " the SDK's default credentials (--aws real)"));
    f.auditFile().ifPresent(a -> out.println(" Audit log: " + a));
    out.println(" Whoever can read the token file below is \"dev-user\". Loopback only.");
    out.println("======================================================================");
    out.println("Paste into a second terminal (the token is valid "
        + TOKEN_LIFETIME.toHours() + " hours):");
    out.println();
    f.launcher().ifPresent(l -> out.println("export PATH=\"" + l.getParent() + ":$PATH\""));
    out.println("export CREDBROKER_TARGET=" + f.target() + " CREDBROKER_PLAINTEXT=true");
    out.println("export CREDBROKER_TOKEN_FILE=" + f.tokenFile());
    out.println("export AWS_CONFIG_FILE=" + f.awsConfig()
        + f.aws().map(u -> " CREDBROKER_DEV_AWS=" + u).orElse(""));
    out.println();
    if (!f.roles().isEmpty()) {
      out.println("AWS_CONFIG_FILE has a profile per role; the same lines work in ~/.aws/config:");
      out.println();
      out.print(profile(f, readRole(f.roles())));
      out.println();
    }
    out.println("Then (README.md, Quickstart):");
    out.println();
    steps(f).forEach(out::println);
    out.println();
    out.flush();
  }

  /** The AWS config file's text: one profile per role, named after it. */
  public static String awsConfig(Facts f) {
    StringBuilder b = new StringBuilder("# written by credbroker --dev; profiles for its roles\n");
    for (String role : f.roles()) {
      b.append(profile(f, role)).append('\n');
    }
    return b.toString();
  }

  /** The commands of the quickstart, comments included, one per line. */
  static List<String> steps(Facts f) {
    List<String> s = new ArrayList<>();
    s.add("# 1. who you are, and what you may get");
    s.add("credbroker whoami");
    s.add("credbroker entitlements");
    String endpoint = f.aws().isPresent() ? " --endpoint-url \"$CREDBROKER_DEV_AWS\"" : "";
    if (!f.roles().isEmpty()) {
      s.add("# 2. a credential, used by the AWS CLI");
      s.add("aws sts get-caller-identity --profile " + readRole(f.roles()) + endpoint);
    }
    if (f.secret().isPresent()) {
      SecretRef secret = f.secret().get();
      s.add("# 3. a secret; then a rotation, and the broker picking it up");
      s.add("credbroker get-secret " + secret.alias() + " --field password");
      if (f.aws().isPresent() && !f.roles().isEmpty()) {
        s.add("aws secretsmanager put-secret-value --profile " + writeRole(f.roles()) + endpoint
            + " --secret-id " + secret.id() + " --secret-string '" + ROTATED + "'");
        s.add("credbroker get-secret " + secret.alias() + " --field password --force-refresh");
      }
    }
    s.add("# 4. the audit records of all of the above");
    s.add("credbroker audit search --since 1h");
    return s;
  }

  private static String profile(Facts f, String role) {
    String command = f.launcher().map(Path::toString).orElse("credbroker");
    return "[profile " + role + "]\nregion = " + f.region() + "\ncredential_process = "
        + quoted(command) + " credential-process --role " + role + " --target " + f.target()
        + " --plaintext --token-file " + quoted(f.tokenFile().toString()) + "\n";
  }

  private static String quoted(String word) {
    return word.contains(" ") ? "\"" + word + "\"" : word;
  }

  private static String readRole(List<String> roles) {
    return roles.stream().filter(r -> r.contains("readonly")).findFirst().orElse(roles.get(0));
  }

  private static String writeRole(List<String> roles) {
    return roles.stream().filter(r -> !r.contains("readonly")).findFirst().orElse(roles.get(0));
  }
}
