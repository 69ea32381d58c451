package dev.credbroker.client.cli;

import dev.credbroker.client.BrokerException;
import dev.credbroker.client.internal.Statuses;
import dev.credbroker.client.provider.CredentialsUnavailableException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
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
        credential-process --role R [--duration D] [--no-cache] [--cache-dir DIR]
                     credentials as AWS credential_process JSON (for ~/.aws/config); reused from
                     a per-user cache while they have 15 minutes (or half their life) left
        serve --role R [--port N] [--bind 127.0.0.1] [--endpoint-token-file FILE] [--duration D]
                     a container credentials endpoint on loopback for any AWS SDK; prints
                     AWS_CONTAINER_CREDENTIALS_FULL_URI and the authorization token (or its file)
        exec --role R [--duration D] -- COMMAND [ARGS...]
                     run a command with the credentials in its environment; exits with its code
        update --role R --profile P [--once] [--credentials-file F] [--duration D]
                     keep profile P of ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE) fresh
        get-secret NAME [--version-id ID | --version-stage S] [--force-refresh] [--field KEY]
                     a secret's value on stdout (a JSON secret's field with --field)
        whoami       what the broker sees in your token (JSON)
        entitlements the roles and secrets you may request now (JSON)
        policy explain --config FILE --claims claims.json (--role R | --secret S)
                       [--issuer ISS] [--source-ip IP] [--at 2026-11-24T22:30:00Z]
                     the decision, the rules that decided and, for a denial, why the
                     nearest rules did not match (exit 0 allow, 1 deny)
        policy test --config FILE CASES.yaml
                     check expected decisions (exit 1 on any mismatch)
        policy lint --config FILE
                     rules that can never match, shadowed allows, unreachable roles
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
      other:
        --version    print the version and exit
        --help       print this help and exit
      exit codes: 0 success, 1 broker unreachable or failed, or no valid credentials (policy:
                  denied, case failed, findings), 2 bad usage or invalid config, 3 token missing
                  or not accepted, 4 permission denied; exec: the command's own exit code
                  (126 not executable, 127 not found)""";

  private CredbrokerCli() {}

  public static void main(String[] args) {
    CliLogging.install();
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, new Io(env, out, err, Clock.systemUTC()));
  }

  static int run(String[] args, Io io) {
    PrintStream out = io.out();
    PrintStream err = io.err();
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
      return switch (args[0]) {
        case "credential-process" -> CredentialProcessCommand.run(rest, io);
        case "serve" -> ServeCommand.run(rest, io);
        case "exec" -> ExecCommand.run(rest, io);
        case "update" -> UpdateCommand.run(rest, io);
        case "get-secret" -> GetSecretCommand.run(rest, io);
        case "whoami" -> WhoAmICommand.whoami(rest, io);
        case "entitlements" -> WhoAmICommand.entitlements(rest, io);
        case "policy" -> PolicyCommand.run(rest, io.env(), out, err);
        case "audit" -> AuditCommand.run(rest, io.env(), out, io.clock());
        default -> {
          err.println("credbroker: unknown command '" + CliOptions.abbreviate(args[0]) + "'; see --help");
          yield EXIT_USAGE;
        }
      };
    } catch (CliOptions.UsageException e) {
      err.println("credbroker: " + e.getMessage() + "; see --help");
      return EXIT_USAGE;
    } catch (BrokerException e) {
      return report(e, err);
    } catch (StatusRuntimeException e) {
      return report(Statuses.exception(e.getStatus()), err);
    } catch (CredentialsUnavailableException e) {
      err.println("credbroker: " + e.getMessage());
      return e.getCause() instanceof BrokerException b ? exitCode(b) : EXIT_UNAVAILABLE;
    } catch (java.nio.file.NoSuchFileException e) {
      // The "path" may be a token pasted by mistake: never print it whole.
      err.println("credbroker: file not found: " + CliOptions.abbreviate(e.getFile()));
      return EXIT_USAGE;
    } catch (java.nio.file.AccessDeniedException e) {
      err.println("credbroker: permission denied: " + CliOptions.abbreviate(e.getFile()));
      return EXIT_USAGE;
    } catch (IOException e) {
      err.println("credbroker: cannot read or write a file: " + e.getClass().getSimpleName());
      return EXIT_USAGE;
    } catch (Exception e) {
      err.println("credbroker: unexpected " + e.getClass().getSimpleName());
      return EXIT_UNAVAILABLE;
    }
  }

  private static int report(BrokerException e, PrintStream err) {
    String message = e.getMessage();
    int colon = message.indexOf(": ");
    boolean local = colon > 0 && message.startsWith("no token: ", colon + 2);
    err.println("credbroker: " + (local ? message.substring(colon + 2) : "broker answered " + message));
    return exitCode(e);
  }

  private static int exitCode(BrokerException e) {
    if (e.getMessage().contains(": no token: ")) {
      return EXIT_UNAUTHENTICATED;
    }
    return switch (e.reason()) {
      case UNAUTHENTICATED -> EXIT_UNAUTHENTICATED;
      case PERMISSION_DENIED -> EXIT_DENIED;
      case INVALID_ARGUMENT, NOT_FOUND -> EXIT_USAGE;
      default -> EXIT_UNAVAILABLE;
    };
  }
}
