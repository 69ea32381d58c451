package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.token.OAuth2ClientCredentials;
import dev.credbroker.client.token.PrivateKeys;
import dev.credbroker.client.token.TokenSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link BrokerClient} from the connection settings every broker command shares. Plaintext is
 * allowed only to a loopback target, because the token would otherwise cross the network in the
 * clear. The token comes from exactly one source: {@code CREDBROKER_TOKEN}, {@code --token-file},
 * or the OAuth2 client credentials settings; when several are set, the highest settings layer
 * (flag, environment, file) wins, and two in the same layer are an error.
 */
final class ClientFactory {
  static final String DEFAULT_TARGET = "127.0.0.1:8443";
  static final Set<String> VALUED = Set.of("target", "ca-file", "cert-file", "key-file", "token-file",
      "timeout", "oauth-token-url", "client-id", "client-secret-file", "client-key-file", "client-key-id",
      "client-auth", "scope", "audience", "client-config");
  static final Set<String> SWITCHES = Set.of("plaintext");
  /** Environment variables that hold secrets of the caller (never passed on to other programs). */
  static final Set<String> SECRET_VARIABLES = Set.of("CREDBROKER_TOKEN", "CREDBROKER_CLIENT_SECRET");

  private ClientFactory() {}

  /** The options of a broker command: its own plus the connection settings, over the settings file. */
  static CliOptions options(List<String> args, Set<String> valued, Set<String> switches,
      java.util.Map<String, String> env) throws CliOptions.UsageException, IOException {
    java.util.Set<String> v = new java.util.HashSet<>(VALUED);
    v.addAll(valued);
    java.util.Set<String> sw = new java.util.HashSet<>(SWITCHES);
    sw.addAll(switches);
    return CliOptions.parse(args, v, sw, env).withSettingsFile();
  }

  static BrokerClient create(CliOptions o) throws CliOptions.UsageException, IOException {
    String target = o.get("target").orElse(DEFAULT_TARGET);
    BrokerClient.Builder b = BrokerClient.builder().target(target).tokenSource(tokenSource(o));
    if (o.isSet("plaintext")) {
      b.plaintext();
    }
    o.path("ca-file").ifPresent(b::trustedCertificates);
    if (o.path("cert-file").isPresent() != o.path("key-file").isPresent()) {
      throw new CliOptions.UsageException("--cert-file and --key-file go together (mTLS)");
    }
    if (o.path("cert-file").isPresent()) {
      b.clientCertificate(o.path("cert-file").get(), o.path("key-file").get());
    }
    b.deadline(DurationText.timeout(o, "timeout", Duration.ofSeconds(10)));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CliOptions.UsageException("--plaintext is allowed only for a loopback target;"
          + " use TLS (--ca-file) for " + CliOptions.abbreviate(target));
    } catch (IllegalStateException e) {
      throw new CliOptions.UsageException("--plaintext cannot be combined with --ca-file or --cert-file");
    } catch (java.io.UncheckedIOException e) {
      throw new CliOptions.UsageException("cannot read the TLS files: " + e.getMessage());
    }
  }

  /** Which token setting is in force: "token", "token-file" or "oauth-token-url". */
  static String tokenSetting(CliOptions o) throws CliOptions.UsageException {
    List<String> sources = List.of("token", "token-file", "oauth-token-url");
    int best = sources.stream().mapToInt(o::layer).min().orElse(CliOptions.ABSENT);
    List<String> chosen = sources.stream().filter(s -> o.layer(s) == best).toList();
    if (best == CliOptions.ABSENT) {
      throw new CliOptions.UsageException("no token: pass --token-file FILE or --oauth-token-url URL,"
          + " or set CREDBROKER_TOKEN");
    }
    if (chosen.size() > 1) {
      throw new CliOptions.UsageException("give one token source, not " + String.join(" and ",
          chosen.stream().map(s -> s.equals("token") ? "CREDBROKER_TOKEN" : "--" + s).toList()));
    }
    return chosen.get(0);
  }

  /**
   * What identifies the caller without asking anyone: the token itself, the token file's content,
   * or the OAuth2 client. Only ever used hashed (cache file names).
   */
  static String tokenIdentity(CliOptions o) throws CliOptions.UsageException {
    return switch (tokenSetting(o)) {
      case "token" -> "token:" + o.get("token").get();
      case "token-file" -> {
        try {
          yield "file:" + Files.readString(o.path("token-file").get()).strip();
        } catch (IOException e) {
          yield "file-unreadable:" + o.get("token-file").get();
        }
      }
      default -> String.join("|", "oauth", o.get("oauth-token-url").get(), o.get("client-id").orElse(""),
          o.get("scope").orElse(""), o.get("audience").orElse(""));
    };
  }

  static TokenSource tokenSource(CliOptions o) throws CliOptions.UsageException, IOException {
    return switch (tokenSetting(o)) {
      case "token" -> wrap(() -> TokenSource.of(o.get("token").get()));
      case "token-file" -> TokenSource.fromFile(o.path("token-file").get());
      default -> oauth(o);
    };
  }

  private static TokenSource oauth(CliOptions o) throws CliOptions.UsageException, IOException {
    OAuth2ClientCredentials.Builder b = OAuth2ClientCredentials.builder();
    String url = o.get("oauth-token-url").get();
    try {
      b.tokenEndpoint(URI.create(url));
    } catch (IllegalArgumentException e) {
      throw new CliOptions.UsageException("--oauth-token-url: " + e.getMessage());
    }
    b.clientId(o.required("client-id"));
    Optional<String> secret = o.get("client-secret");
    if (secret.isEmpty() && o.path("client-secret-file").isPresent()) {
      secret = Optional.of(Files.readString(o.path("client-secret-file").get()).strip());
    }
    Optional<Path> key = o.path("client-key-file");
    if (secret.isPresent() == key.isPresent()) {
      throw new CliOptions.UsageException("OAuth2 needs one client credential: --client-secret-file"
          + " (or CREDBROKER_CLIENT_SECRET) or --client-key-file");
    }
    if (key.isPresent()) {
      PrivateKeys.SigningKey k = PrivateKeys.read(key.get());
      b.privateKey(k.key(), o.get("client-key-id").or(k::keyId).orElse(null));
    } else {
      String auth = o.get("client-auth").orElse("basic");
      if (!auth.equals("basic") && !auth.equals("post")) {
        throw new CliOptions.UsageException("--client-auth must be basic or post");
      }
      b.clientSecret(secret.get(), auth.equals("basic") ? OAuth2ClientCredentials.AuthMethod.CLIENT_SECRET_BASIC
          : OAuth2ClientCredentials.AuthMethod.CLIENT_SECRET_POST);
    }
    o.get("scope").ifPresent(b::scope);
    o.get("audience").ifPresent(b::audience);
    return b.build();
  }

  private static TokenSource wrap(java.util.function.Supplier<TokenSource> make)
      throws CliOptions.UsageException {
    try {
      return make.get();
    } catch (dev.credbroker.client.token.TokenException e) {
      throw new CliOptions.UsageException("CREDBROKER_TOKEN: " + e.getMessage());
    }
  }
}
