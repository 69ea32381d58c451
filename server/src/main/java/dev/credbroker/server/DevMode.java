package dev.credbroker.server;

import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.RevocationConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.config.SecretConfig;
import dev.credbroker.server.devaws.AccessKey;
import dev.credbroker.server.devaws.DevAws;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.devmode.DevModeBanner;
import dev.credbroker.server.devmode.DevWorkspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The parts {@code --dev} adds to a broker: loopback only, the dev policy (examples/dev.yaml)
 * unless a config is given, a development identity provider, a development AWS endpoint with the
 * config's secrets in it (unless {@code --aws real}), a private folder for the audit log, token
 * and AWS config file, and the banner.
 */
final class DevMode implements AutoCloseable {
  static final String DEV_POLICY = "devmode/dev.yaml";

  private final DevWorkspace workspace;
  private final DevIssuer issuer;
  private final Optional<DevAws> aws;
  private final UnaryOperator<BrokerConfig> adjust;

  private DevMode(DevWorkspace workspace, DevIssuer issuer, Optional<DevAws> aws,
      UnaryOperator<BrokerConfig> adjust) {
    this.workspace = workspace;
    this.issuer = issuer;
    this.aws = aws;
    this.adjust = adjust;
  }

  /** The dev policy built into the jar: examples/dev.yaml. */
  static BrokerConfig defaultConfig() throws ConfigException {
    try (InputStream in = DevMode.class.getResourceAsStream(DEV_POLICY)) {
      if (in == null) {
        throw new ConfigException("--dev", "the dev policy " + DEV_POLICY + " is missing from"
            + " the jar; rebuild it");
      }
      return ConfigLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          "--dev defaults (examples/dev.yaml)", Path.of("."));
    } catch (IOException e) {
      throw new ConfigException("--dev", "cannot read the dev policy: " + e.getMessage());
    }
  }

  /** Starts the development parts for {@code config}; close it to stop them. */
  static DevMode start(BrokerConfig config, CommandLine.DevAwsChoice choice, Clock clock)
      throws ConfigException, IOException {
    requireLoopback(config);
    DevWorkspace workspace = DevWorkspace.create();
    DevIssuer issuer = DevIssuer.start(clock);
    Optional<DevAws> aws = Optional.empty();
    try {
      if (choice == CommandLine.DevAwsChoice.DEV) {
        aws = Optional.of(DevAws.builder().clock(clock)
            .region(config.aws().region().orElse(DevAws.DEFAULT_REGION)).start());
        aws.get().trustIssuer(issuer.issuer());
        seedSecrets(aws.get(), config.secrets().values());
      }
    } catch (IOException | RuntimeException e) {
      issuer.close();
      throw e;
    }
    AuditConfig audit = AuditConfig.toFile(workspace.auditFile());
    Optional<AwsConfig> devAws = aws.map(a -> new AwsConfig(Optional.of(a.region()),
        Optional.of(a.endpoint()), AwsConfig.DEFAULTS.callTimeout(), Optional.of(a.endpoint()),
        Optional.of(a.endpoint())));
    Path revocations = workspace.dir().resolve(RevocationConfig.DEFAULT_FILE);
    UnaryOperator<BrokerConfig> adjust = loaded -> {
      BrokerConfig c = loaded.audit().isPresent() ? loaded : loaded.withAudit(audit);
      c = c.withRevocation(new RevocationConfig(revocations, c.revocation().pollInterval(),
          c.revocation().failClosedAfter()));
      return devAws.map(c::withAws).orElse(c).withIssuer(issuer.issuerConfig());
    };
    return new DevMode(workspace, issuer, aws, adjust);
  }

  static void requireLoopback(BrokerConfig config) throws ConfigException {
    if (!config.server().listen().isLoopback()) {
      throw new ConfigException("server.listen", "--dev binds to loopback only (127.0.0.1 or"
          + " [::1]), got " + config.server().listen());
    }
  }

  /** What {@code --dev} changes in every loaded config, the first and each reload. */
  UnaryOperator<BrokerConfig> adjust() {
    return adjust;
  }

  /** The broker's own key for the development endpoint; empty means the SDK default chain. */
  Optional<AwsCredentialsProvider> awsCredentials() {
    return aws.map(a -> {
      AccessKey key = a.credentials().brokerKey();
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.id(), key.secret()));
    });
  }

  /** Mints the token, writes the token and AWS config files, and prints the banner. */
  void printBanner(PrintStream out, BrokerConfig config, InetSocketAddress broker,
      Optional<Path> auditFile) throws IOException {
    String token = issuer.mint("dev-user", Map.of(
        "preferred_username", "dev-user",
        "email", "dev-user@example.invalid",
        "groups", List.of("developers")), DevModeBanner.TOKEN_LIFETIME);
    Path tokenFile = workspace.writeToken(token);
    Optional<DevModeBanner.SecretRef> secret = config.secrets().values().stream().findFirst()
        .map(s -> new DevModeBanner.SecretRef(s.alias(), s.secretId()));
    var facts = new DevModeBanner.Facts(issuer.issuer(),
        broker.getHostString() + ":" + broker.getPort(), tokenFile, launcher(),
        aws.map(DevAws::endpoint), workspace.dir().resolve("aws-config"),
        config.aws().region().orElse(DevAws.DEFAULT_REGION), auditFile,
        List.copyOf(config.roles().keySet()), secret);
    workspace.writeAwsConfig(DevModeBanner.awsConfig(facts));
    DevModeBanner.print(out, facts);
  }

  @Override
  public void close() {
    aws.ifPresent(DevAws::close);
    issuer.close();
  }

  /** Each configured secret, with a JSON value holding a fresh random password. */
  private static void seedSecrets(DevAws aws, Iterable<SecretConfig> secrets) {
    SecureRandom random = new SecureRandom();
    for (SecretConfig s : secrets) {
      byte[] password = new byte[12];
      random.nextBytes(password);
      aws.secrets().seed(s.secretId(), "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\","
          + "\"port\":5432,\"username\":\"dev_app\",\"password\":\"dev-"
          + HexFormat.of().formatHex(password) + "\"}");
    }
  }

  /**
   * The {@code credbroker} command beside this jar: {@code bin/credbroker} of a package for
   * its {@code lib/credbroker-server.jar} (docs/install.md) or of the source tree for
   * {@code server/target/credbroker-server.jar}, or {@code credbroker} in the jar's folder. Empty
   * when none exists (the banner then assumes it is on PATH).
   */
  private static Optional<Path> launcher() {
    Path jar;
    try {
      jar = Path.of(DevMode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
    Path dir = jar.toAbsolutePath().getParent();
    if (dir == null) {
      return Optional.empty();
    }
    List<Path> candidates = new ArrayList<>(List.of(dir.resolve("credbroker")));
    for (Path up = dir.getParent(); up != null && candidates.size() < 3; up = up.getParent()) {
      candidates.add(up.resolve("bin/credbroker")); // lib/../bin, then server/target/../../bin
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::normalize);
  }
}
