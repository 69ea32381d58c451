package dev.credbroker.client.testing;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.config.CredentialsConfig;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.SdkSecretsGateway;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.cache.SecretCache;
import dev.credbroker.server.cache.SecretVendor;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.grpc.AuditRecorder;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.BrokerState;
import dev.credbroker.server.grpc.CredentialBrokerService;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.RecordingAuditLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The broker's real service (token validation, policy, credential and secret caches, STS and
 * Secrets Manager over the AWS SDK) on loopback, with the development issuer for tokens and
 * {@link FakeSts} and {@link FakeSecretsManager} as AWS, all on one clock.
 * {@link #stop()} and {@link #restart()} keep the port; a restart starts with an empty cache, as
 * a new broker process would.
 */
public final class RealBroker implements AutoCloseable, AfterEachCallback {
  public static final String CONFIG = """
      server: {listen: 127.0.0.1:0}
      credentials: {default_duration: 15m}
      roles:
        deployer: {arn: "arn:aws:iam::123456789012:role/deployer"}
      secrets:
        payments-db: {id: payments/db}
      rules:
        - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer], secrets: [payments-db]}
      """;
  /** The value of the secret "payments-db" until a test changes it. */
  public static final String DB_SECRET =
      "{\"username\":\"payments\",\"password\":\"pw-from-secrets-manager\",\"host\":\"db.internal\",\"port\":5432}";

  private final Clock clock;
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final DevIssuer idp;
  private final FakeSts sts;
  private final FakeSecretsManager secretsManager;
  private final BrokerConfig config;
  private final BrokerState state;
  private SdkStsGateway gateway;
  private SdkSecretsGateway secretsGateway;
  private BrokerServer server;
  private int port;

  private RealBroker(Clock clock) throws Exception {
    this.clock = clock;
    this.idp = DevIssuer.start(clock);
    this.sts = FakeSts.start(clock);
    this.secretsManager = FakeSecretsManager.start(clock);
    secretsManager.trust(sts);
    secretsManager.putString("payments/db", DB_SECRET);
    this.config = ConfigLoader.parse(CONFIG, "test", Path.of(".")).withIssuer(idp.issuerConfig());
    this.state = new BrokerState(Authenticator.create(config.issuers(), clock, io), new PolicyEngine(config));
    restart();
  }

  public static RealBroker start(Clock clock) throws Exception {
    return new RealBroker(clock);
  }

  /**
   * For a test's field: {@code @RegisterExtension final RealBroker broker = RealBroker.perTest(clock);}
   * starts one for each test and stops it after.
   */
  public static RealBroker perTest(Clock clock) {
    try {
      return start(clock);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the broker", e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  public FakeSts sts() {
    return sts;
  }

  public FakeSecretsManager secretsManager() {
    return secretsManager;
  }

  /** A token of the development issuer for {@code subject} in the "developers" group. */
  public String token(String subject) {
    return idp.mint(subject, Map.of("groups", List.of("developers"), "preferred_username", subject),
        Duration.ofHours(8));
  }

  public void stop() {
    server.shutdown();
    gateway.close();
    secretsGateway.close();
  }

  /** Starts (again) on the same port, with a fresh credential cache. */
  public void restart() throws Exception {
    AwsConfig aws = new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()), Duration.ofSeconds(20))
        .withSecretsManagerEndpoint(secretsManager.endpoint());
    var brokerKey = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, FakeSts.BROKER_SECRET));
    gateway = SdkStsGateway.create(aws, brokerKey, clock);
    secretsGateway = SdkSecretsGateway.create(aws, brokerKey);
    CredentialsConfig c = config.credentials();
    CredentialCache cache = new CredentialCache(gateway, io, clock, c.minRemaining(), c.refreshBefore(),
        c.maxCached());
    CredentialVendor vendor = new CredentialVendor(cache, c.defaultDuration());
    SecretVendor secrets = new SecretVendor(new SecretCache(secretsGateway, cache, io, clock, 100), clock);
    server = Servers.start(new CredentialBrokerService(() -> state, vendor, secrets, "us-east-1", clock,
        new AuditRecorder(new RecordingAuditLog(), List.of(), clock)), "127.0.0.1", port);
    port = server.address().getPort();
  }

  @Override
  public void close() {
    stop();
    secretsManager.close();
    sts.close();
    idp.close();
    io.shutdownNow();
  }
}
