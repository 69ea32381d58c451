package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.SessionCredentials;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * {@code credbroker exec --role R -- CMD ARGS...}: runs a command with the role's credentials in
 * its environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * AWS_CREDENTIAL_EXPIRATION, and AWS_REGION/AWS_DEFAULT_REGION unless already set; never the
 * broker token or client secret) and exits with its exit code. The credentials are not refreshed: for commands that outlive them, use serve.
 */
final class ExecCommand {
  static final Set<String> VALUED = Set.of("role", "duration");
  static final int EXIT_CANNOT_RUN = 126;
  static final int EXIT_NOT_FOUND = 127;

  private ExecCommand() {}

  static int run(List<String> args, Io io) throws Exception {
    int dashes = args.indexOf("--");
    if (dashes < 0 || dashes == args.size() - 1) {
      throw new CliOptions.UsageException("exec needs a command after '--': exec --role R -- aws s3 ls");
    }
    CliOptions o = ClientFactory.options(args.subList(0, dashes), VALUED, Set.of(), io.env());
    List<String> command = args.subList(dashes + 1, args.size());
    String role = o.required("role");
    SessionCredentials c;
    try (BrokerClient client = ClientFactory.create(o)) {
      c = DurationNotice.fetch(client, role, DurationText.option(o, "duration"), io);
    }
    ProcessBuilder child = new ProcessBuilder(command).inheritIO();
    child.environment().clear();
    child.environment().putAll(io.env());
    // The command gets AWS credentials, never what identifies the caller to the broker.
    child.environment().keySet().removeAll(ClientFactory.SECRET_VARIABLES);
    child.environment().putAll(CredentialFormats.environment(c, io.env()));
    Process p;
    try {
      p = child.start();
    } catch (IOException e) {
      boolean missing = String.valueOf(e.getMessage()).contains("error=2,");
      io.err().println("credbroker: cannot run '" + CliOptions.abbreviate(command.get(0)) + "': "
          + (missing ? "command not found" : "not executable"));
      return missing ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
    }
    Thread stopChild = new Thread(p::destroy, "credbroker-exec-stop");
    Runtime.getRuntime().addShutdownHook(stopChild);
    try {
      return p.waitFor();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopChild);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }
}
