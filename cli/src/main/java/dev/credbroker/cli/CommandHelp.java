package dev.credbroker.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * The help texts, built from one section per command: {@code credbroker CMD --help} prints that
 * command's section with the option groups it takes, {@code credbroker --help} prints every
 * section, so the two cannot drift apart.
 */
final class CommandHelp {
  private static final String CONNECTION = """
      connection options (or CREDBROKER_<NAME> environment variables, or the settings file):
        --target HOST:PORT   broker address (default 127.0.0.1:8443; dns:///host:port for replicas)
        --plaintext          no TLS; allowed only for a loopback target
        --ca-file PEM        CA that signed the broker's certificate (default: the JVM's trust store)
        --cert-file PEM --key-file PEM   client certificate and PKCS#8 key (mTLS)
        --timeout SECONDS    deadline for each call, retries included (default 10)
        --client-config FILE settings file (default ~/.config/credbroker/config)
      token (one of):
        CREDBROKER_TOKEN     the bearer token itself (environment only)
        --token-file FILE    a file holding the token, re-read when it changes
        --oauth-token-url URL --client-id ID  OAuth2 client credentials from your IdP, with
             --client-secret-file FILE (or CREDBROKER_CLIENT_SECRET) [--client-auth basic|post]
             or --client-key-file PEM|JWK [--client-key-id KID] (private_key_jwt)
             [--scope S] [--audience A]
      """;
  private static final String EXIT_CODES = """
      exit codes: 0 success, 1 broker unreachable or failed, or no valid credentials (policy:
                  denied, case failed, findings), 2 bad usage or invalid config, 3 token missing
                  or not accepted, 4 permission denied; exec: the command's own exit code
                  (126 not executable, 127 not found)""";
  private static final String DURATION = """
      --duration D: the session length, 15m to 12h (900s, 45m, 1h30m); when the broker's grant
                    allows less, stderr says so and the credentials are shorter
      """;

  /** A command's section, and whether it talks to the broker (takes the connection options). */
  private record Section(String text, boolean connects) {}

  private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");

  private static final Map<String, Section> COMMANDS = new LinkedHashMap<>();

  static {
    add("credential-process", true, """
          credential-process --role R [--duration D] [--no-cache] [--cache-dir DIR]
                       credentials as AWS credential_process JSON (for ~/.aws/config); reused from
                       a per-user cache while they have 15 minutes (or half their life) left
        """);
    add("serve", true, """
          serve --role R [--role R2 ...] [--imds] [--port N] [--bind 127.0.0.1]
                [--endpoint-token-file FILE] [--duration D]
                       a container credentials endpoint on loopback for any AWS SDK, one path per
                       role (/credentials/R; /credentials is the first); prints
                       AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
                       (--endpoint-token-file, else a private file removed at stop) and how to set
                       AWS_CONTAINER_AUTHORIZATION_TOKEN from it; never the token itself. --imds:
                       also IMDSv2's credentials paths, for AWS_EC2_METADATA_SERVICE_ENDPOINT
        """);
    add("exec", true, """
          exec --role R [--duration D] -- COMMAND [ARGS...]
                       run a command with the credentials in its environment; exits with its code
        """);
    add("update", true, """
          update --role R --profile P [--once] [--region REGION] [--credentials-file F] [--duration D]
                       keep profile P of ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE) fresh;
                       the region (--region, else the broker's) goes into profile P of
                       ~/.aws/config (or AWS_CONFIG_FILE)
        """);
    add("configure", true, """
          configure [--region REGION] [--profile-prefix P] [--command PATH] [--config-file F]
                       one profile in ~/.aws/config (AWS_CONFIG_FILE) per role the broker grants,
                       [profile P<role>] with region and a credential_process line that runs
                       `PATH credential-process --role <role>` with this run's connection flags;
                       again: changes only what changed, keeps every other profile and line
        """);
    add("get-secret", true, """
          get-secret NAME [--version-id ID | --version-stage S] [--force-refresh] [--field KEY]
                       a secret's value on stdout (a JSON secret's field with --field)
        """);
    add("whoami", true, """
          whoami
                       what the broker sees in your token (JSON)
        """);
    add("entitlements", true, """
          entitlements
                       the roles and secrets you may request now (JSON)
        """);
    add("policy", false, """
          policy explain --config FILE --claims claims.json (--role R | --secret S)
                         [--issuer ISS] [--source-ip IP] [--at 2026-11-24T22:30:00Z]
                       the decision, the rules that decided and, for a denial, why the
                       nearest rules did not match (exit 0 allow, 1 deny)
          policy test --config FILE CASES.yaml
                       check expected decisions (exit 1 on any mismatch)
          policy lint --config FILE
                       rules that can never match, shadowed allows, unreachable roles
        """);
    add("audit", true, """
          audit verify [--public-key FILE] [--expect-head SEQ:HASH] FILE...
                       check audit files against their hash chain and, with the broker's
                       public key, its signed checkpoints; names the first edited, missing,
                       inserted, reordered or forged record, a cut start or tail, an empty
                       log (exit 1 if broken); reports records after the last checkpoint
          audit search [--file LIVE_FILE] [--since 24h|TIME] [--until TIME] [--subject S]
                       [--issuer I] [--role R] [--secret S] [--decision allow|deny|error]
                       [--limit N] [--after REQUEST_ID] [--format table|json]
                       decisions from a local log (--file: the live file and its rotated
                       segments) or, without --file, from the broker (auditor entitlement)
        """);
    add("access", false, """
          access review --config FILE (--store [--store-url URL --store-user U
                        --store-password-file F] | --file LIVE_FILE) [--since 90d|TIME]
                        [--until TIME] [--format table|json]
                       per role and secret who used it and when last; grants nobody used;
                       rules that matched no request; identities holding entitlements they
                       never used (docs/access-review.md)
        """);
    add("revoke", true, """
          revoke (--subject S --issuer I | --target-client-id C | --token-hash H
                  | --source-identity S) --reason "INC-1 ..." [--roles A,B] [--secrets X,Y]
                  [--before TIME|30m] [--all-tokens] [--expires-after D] [--format table|json]
                       cut one identity off now, on every replica, and (roles with
                       revoke_in_aws) its earlier sessions in IAM (admin entitlement;
                       docs/revocation.md)
        """);
    add("revocations", true, """
          revocations [--format table|json]
                       the revocations in force (admin entitlement)
        """);
    add("unrevoke", true, """
          unrevoke ID
                       withdraw a revocation; its target is served again (admin entitlement)
        """);
    add("completion", false, """
          completion bash|zsh
                       a shell completion script for the commands and options above
                       (source it, or see docs/install.md for where packages put it)
        """);
  }

  private CommandHelp() {}

  private static void add(String command, boolean connects, String text) {
    COMMANDS.put(command, new Section(text, connects));
  }

  /** {@code credbroker --help}: every command, every option group. */
  static String usage() {
    StringBuilder b = new StringBuilder("usage: credbroker COMMAND [OPTIONS]\ncommands:\n");
    COMMANDS.values().forEach(s -> b.append(s.text()));
    return b.append(DURATION).append(CONNECTION).append("""
        other:
          --version         print the version and exit
          --help            print this help and exit
          COMMAND --help    print that command's help and exit
        """).append(EXIT_CODES).toString();
  }

  /** {@code credbroker COMMAND --help}, or empty for a command that does not exist. */
  static Optional<String> of(String command) {
    Section s = COMMANDS.get(command);
    if (s == null) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder();
    for (String line : s.text().lines().toList()) {
      if (line.startsWith("  " + command + " ") || line.equals("  " + command)) {
        b.append(b.length() == 0 ? "usage: " : "       ").append("credbroker ").append(line.substring(2));
      } else {
        b.append(line);
      }
      b.append('\n');
    }
    if (s.text().contains("--duration")) {
      b.append(DURATION);
    }
    if (s.connects()) {
      b.append(CONNECTION);
    }
    return Optional.of(b.append(EXIT_CODES).toString());
  }

  /** Every command, in the order --help lists them. */
  static List<String> commands() {
    return List.copyOf(COMMANDS.keySet());
  }

  /** The options {@code credbroker command --help} names, each once, in the order it names them. */
  static List<String> options(String command) {
    return of(command).map(help -> OPTION.matcher(help).results().map(MatchResult::group).distinct()
        .toList()).orElse(List.of());
  }

  /** Where a usage error in {@code command} should send the user. */
  static String hint(String command) {
    return COMMANDS.containsKey(command) ? "credbroker " + command + " --help" : "credbroker --help";
  }
}
