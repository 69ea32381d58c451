package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.Entitlements;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code credbroker configure}: one profile in the AWS config file for every role the caller is
 * entitled to now, each with a {@code credential_process} line running this command (and the
 * region), so {@code aws --profile ROLE} works without further setup (Weep's
 * {@code generate_credential_process_config}). Idempotent: running it again changes nothing unless
 * entitlements or settings changed; other profiles and lines are kept ({@link AwsConfigFile}).
 */
final class ConfigureCommand {
  static final Set<String> VALUED = Set.of("region", "profile-prefix", "command", "config-file");
  /** Connection flags carried into each credential_process line: files and names, never secrets. */
  private static final List<String> CARRIED = List.of("target", "ca-file", "cert-file", "key-file",
      "token-file", "timeout", "oauth-token-url", "client-id", "client-secret-file", "client-key-file",
      "client-key-id", "client-auth", "scope", "audience", "client-config");

  private ConfigureCommand() {}

  static int run(List<String> args, Io io) throws Exception {
    CliOptions o = ClientFactory.options(args, VALUED, Set.of(), io.env());
    AwsConfigFile config = o.path("config-file").map(AwsConfigFile::new)
        .or(() -> AwsConfigFile.locate(io.env()))
        .orElseThrow(() -> new CliOptions.UsageException("no AWS config file: set --config-file,"
            + " AWS_CONFIG_FILE or HOME"));
    Optional<String> region = o.get("region").or(() -> Optional.ofNullable(io.env().get("AWS_REGION")))
        .filter(r -> !r.isBlank());
    Entitlements entitled;
    try (BrokerClient client = ClientFactory.create(o)) {
      entitled = client.listEntitlements();
    }
    if (entitled.roles().isEmpty()) {
      io.err().println("credbroker: no roles are granted to this caller; nothing to configure");
      return CredbrokerCli.EXIT_DENIED;
    }
    String prefix = o.get("profile-prefix").orElse("");
    for (Entitlements.RoleEntitlement role : entitled.roles()) {
      Map<String, String> entries = new LinkedHashMap<>();
      region.ifPresent(r -> entries.put("region", r));
      entries.put("credential_process", commandLine(o, role.role()));
      String profile = prefix + role.role();
      boolean changed = config.set(profile, entries);
      io.out().println("[profile " + profile + "] " + (changed ? "written" : "unchanged") + " in " + config.path());
    }
    return CredbrokerCli.EXIT_OK;
  }

  /** {@code credbroker credential-process --role R} with the connection flags this run was given. */
  static String commandLine(CliOptions o, String role) {
    List<String> words = new ArrayList<>(List.of(o.get("command").orElse("credbroker"),
        "credential-process", "--role", role));
    for (String name : CARRIED) {
      if (o.layer(name) == CliOptions.FLAG) {
        words.add("--" + name);
        words.add(o.get(name).orElseThrow());
      }
    }
    if (o.layer("plaintext") == CliOptions.FLAG) {
      words.add("--plaintext");
    }
    return String.join(" ", words.stream().map(ConfigureCommand::quoted).toList());
  }

  /** As botocore splits the line (shlex, POSIX rules): plain words bare, others single-quoted. */
  static String quoted(String word) {
    return word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }
}
