package dev.credbroker.cli;

import dev.credbroker.client.BrokerException;
import dev.credbroker.client.internal.Statuses;
import dev.credbroker.client.internal.TransportFailures;
import dev.credbroker.client.provider.CredentialsUnavailableException;
import dev.credbroker.client.token.TokenException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  /** {@code credbroker --help}; each command's own is {@link CommandHelp#of}. */
  static final String USAGE = CommandHelp.usage();

  private CredbrokerCli() {}

  public static void main(String[] args) {
    CliLogging.install();
    leanNetty();
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /**
   * Before any Netty class loads: every channel and the endpoint run on NIO, so the native epoll
   * transport would only be extracted to a temp file and loaded at each start; and Netty's
   * buffer events would load JDK Flight Recorder's classes (1 MiB of {@code serve}'s memory) for
   * a recording nobody makes of a command. A value given with -D wins.
   */
  private static void leanNetty() {
    Map.of("io.grpc.netty.shaded.io.netty.transport.noNative", "true",
        "io.grpc.netty.shaded.io.netty.jfr.enabled", "false").forEach((name, value) -> {
          if (System.getProperty(name) == null) {
            System.setProperty(name, value);
          }
        });
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
    if (asksForHelp(rest) && CommandHelp.of(args[0]).isPresent()) {
      out.println(CommandHelp.of(args[0]).get());
      return EXIT_OK;
    }
    try {
      return switch (args[0]) {
        case "credential-process" -> CredentialProcessCommand.run(rest, io);
        case "serve" -> ServeCommand.run(rest, io);
        case "exec" -> ExecCommand.run(rest, io);
        case "update" -> UpdateCommand.run(rest, io);
        case "configure" -> ConfigureCommand.run(rest, io);
        case "get-secret" -> GetSecretCommand.run(rest, io);
        case "whoami" -> WhoAmICommand.whoami(rest, io);
        case "entitlements" -> WhoAmICommand.entitlements(rest, io);
        case "policy" -> PolicyCommand.run(rest, io.env(), out, err);
        case "audit" -> AuditCommand.run(rest, io.env(), out, io.clock());
        case "access" -> AccessCommand.run(rest, io.env(), out, io.clock());
        case "revoke" -> RevokeCommand.revoke(rest, io);
        case "revocations" -> RevokeCommand.list(rest, io);
        case "unrevoke" -> RevokeCommand.unrevoke(rest, io);
        case "completion" -> CompletionCommand.run(rest, out);
        default -> {
          err.println("credbroker: unknown command '" + CliOptions.abbreviate(args[0]) + "'; see --help");
          yield EXIT_USAGE;
        }
      };
    } catch (CliOptions.UsageException e) {
      err.println("credbroker: " + e.getMessage() + "; see " + CommandHelp.hint(args[0]));
      return EXIT_USAGE;
    } catch (BrokerException e) {
      return report(e, err);
    } catch (StatusRuntimeException e) {
      return report(Statuses.exception(e.getStatus()), err);
    } catch (CredentialsUnavailableException e) {
      if (e.getCause() instanceof BrokerException b
          && (tokenFailure(b).isPresent() || TransportFailures.isLocal(detail(b)))) {
        return report(b, err); // the first credentials: the broker was never reached
      }
      err.println("credbroker: " + e.getMessage());
      return e.getCause() instanceof BrokerException b ? exitCode(b) : EXIT_UNAVAILABLE;
    } catch (dev.credbroker.store.StoreException e) {
      err.println("credbroker: " + e.getMessage()); // safe: no password, SQL state only
      return EXIT_UNAVAILABLE;
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

  /** {@code --help} or {@code -h} among a command's options (not among exec's command after --). */
  private static boolean asksForHelp(List<String> options) {
    for (String o : options) {
      if (o.equals("--")) {
        return false;
      }
      if (o.equals("--help") || o.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  private static int report(BrokerException e, PrintStream err) {
    Optional<TokenException> token = tokenFailure(e);
    if (token.isPresent()) {
      err.println("credbroker: no token: " + token.get().getMessage());
      return EXIT_UNAUTHENTICATED;
    }
    String detail = detail(e);
    err.println("credbroker: " + (TransportFailures.isLocal(detail) ? detail : "broker answered " + e.getMessage()));
    return exitCode(e);
  }

  /** The message without its "REASON: " prefix. */
  private static String detail(BrokerException e) {
    String message = e.getMessage();
    int colon = message.indexOf(": ");
    return colon > 0 ? message.substring(colon + 2) : message;
  }

  /**
   * The token failure behind {@code e}, found by type on the cause chain: a
   * {@link dev.credbroker.client.token.TokenUnavailableException} (a missing or unreadable token
   * file, a refused client; never retried) or an outage of the token endpoint.
   */
  static Optional<TokenException> tokenFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TokenException token) {
        return Optional.of(token);
      }
    }
    return Optional.empty();
  }

  private static int exitCode(BrokerException e) {
    return switch (e.reason()) {
      case UNAUTHENTICATED -> EXIT_UNAUTHENTICATED;
      case PERMISSION_DENIED -> EXIT_DENIED;
      case INVALID_ARGUMENT, NOT_FOUND -> EXIT_USAGE;
      default -> EXIT_UNAVAILABLE;
    };
  }
}
