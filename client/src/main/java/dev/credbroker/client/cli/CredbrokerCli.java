package dev.credbroker.client.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the {@code credbroker} command. Errors are one line on stderr; exit codes tell
 * scripts what kind of failure it was.
 */
public final class CredbrokerCli {
  static final int EXIT_OK = 0;
  static final int EXIT_UNAVAILABLE = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_UNAUTHENTICATED = 3;
  static final int EXIT_DENIED = 4;

  static final String USAGE = """
      usage: credbroker COMMAND [OPTIONS]
      commands:
        whoami       show what the broker sees in your token (JSON)
        policy explain --config FILE --claims claims.json (--role R | --secret S)
                       [--issuer ISS] [--source-ip IP] [--at 2026-11-24T22:30:00Z]
                     the decision, the rules that decided and, for a denial, why the
                     nearest rules did not match (exit 0 allow, 1 deny)
        policy test --config FILE CASES.yaml
                     check expected decisions (exit 1 on any mismatch)
        policy lint --config FILE
                     rules that can never match, shadowed allows, unreachable roles
        audit verify FILE...
                     check audit files against their hash chain; names the first
                     edited, missing, inserted or reordered record (exit 1 if broken)
        audit search [--file LIVE_FILE] [--since 24h|TIME] [--until TIME] [--subject S]
                     [--issuer I] [--role R] [--secret S] [--decision allow|deny|error]
                     [--limit N] [--after REQUEST_ID] [--format table|json]
                     decisions from a local log (--file: the live file and its rotated
                     segments) or, without --file, from the broker (auditor entitlement)
      connection options (or CREDBROKER_<NAME> environment variables):
        --target HOST:PORT   broker address (default 127.0.0.1:8443; dns:///host:port for replicas)
        --plaintext          no TLS; allowed only for a loopback target
        --ca-file PEM        CA that signed the broker's certificate (default: the JVM's trust store)
        --token-file FILE    file holding the bearer token (or set CREDBROKER_TOKEN)
        --timeout SECONDS    deadline for the call (default 10)
      other:
        --version    print the version and exit
        --help       print this help and exit
      exit codes: 0 success, 1 broker unreachable or failed (policy: denied, case failed,
                  findings), 2 bad usage or invalid config, 3 token not accepted,
                  4 permission denied""";

  private CredbrokerCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
      out.println(USAGE);
      return EXIT_OK;
    }
    if (args.length == 1 && "--version".equals(args[0])) {
      String v = CredbrokerCli.class.getPackage().getImplementationVersion();
      out.println("credbroker " + (v == null ? "development build" : v));
      return EXIT_OK;
    }
    if (args.length == 0) {
      err.println("credbroker: no command given; see --help");
      return EXIT_USAGE;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      switch (args[0]) {
        case "whoami":
          return WhoAmICommand.run(rest, env, out);
        case "policy":
          return PolicyCommand.run(rest, env, out, err);
        case "audit":
          return AuditCommand.run(rest, env, out, java.time.Clock.systemUTC());
        default:
          err.println("credbroker: unknown command '" + CliOptions.abbreviate(args[0]) + "'; see --help");
          return EXIT_USAGE;
      }
    } catch (CliOptions.UsageException e) {
      err.println("credbroker: " + e.getMessage() + "; see --help");
      return EXIT_USAGE;
    } catch (StatusRuntimeException e) {
      return reportStatus(e.getStatus(), err);
    } catch (java.nio.file.NoSuchFileException e) {
      // The "path" may be a token pasted by mistake: never print it whole.
      err.println("credbroker: file not found: " + CliOptions.abbreviate(e.getFile()));
      return EXIT_USAGE;
    } catch (IOException e) {
      err.println("credbroker: cannot read a file: " + e.getClass().getSimpleName());
      return EXIT_USAGE;
    } catch (Exception e) {
      err.println("credbroker: unexpected " + e.getClass().getSimpleName());
      return EXIT_UNAVAILABLE;
    }
  }

  private static int reportStatus(Status status, PrintStream err) {
    String description = status.getDescription() == null ? "" : ": " + status.getDescription();
    err.println("credbroker: broker answered " + status.getCode() + description);
    return switch (status.getCode()) {
      case UNAUTHENTICATED -> EXIT_UNAUTHENTICATED;
      case PERMISSION_DENIED -> EXIT_DENIED;
      case INVALID_ARGUMENT, NOT_FOUND -> EXIT_USAGE;
      default -> EXIT_UNAVAILABLE;
    };
  }
}
