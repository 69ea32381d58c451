package dev.credbroker.server.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.server.audit.AuditWriter;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.CappedStsGateway;
import dev.credbroker.server.aws.MeteredSecretsGateway;
import dev.credbroker.server.aws.MeteredStsGateway;
import dev.credbroker.server.aws.SdkSecretsGateway;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.aws.StsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.cache.SecretCache;
import dev.credbroker.server.cache.SecretVendor;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.grpc.AdminService;
import dev.credbroker.server.grpc.AuditRecorder;
import dev.credbroker.server.grpc.AuditSearchService;
import dev.credbroker.server.grpc.BrokerState;
import dev.credbroker.server.grpc.CredentialBrokerService;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.EventLoops;
import dev.credbroker.server.limits.ConcurrencyCap;
import dev.credbroker.server.limits.RateLimiter;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.revocation.FileRevocationStore;
import dev.credbroker.server.revocation.RevocationBook;
import dev.credbroker.server.revocation.Revoker;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * The whole broker over loopback, as {@code Main} wires it: its services (revocations in a file
 * beside the audit log, without IAM), the dev issuer's real
 * tokens, the STS and Secrets Manager fakes behind the AWS SDK, and a real audit file written on
 * the broker's own network threads. Tests read the records each call added with
 * {@link #newRecords()}.
 */
public final class AuditedBroker implements AutoCloseable {
  /**
   * A role and a secret the {@code developers} group may use; {@code security} may search; the
   * {@code named} group may use {@link #NAMED_ROLE}, whose session names read as the token's
   * {@code preferred_username}.
   */
  public static final String ROLE = "deployer";
  public static final String SECRET = "db";
  public static final String NAMED_ROLE = "named";
  /** What {@link #SECRET} holds in Secrets Manager. */
  public static final String SECRET_VALUE = "db-password-c0ffee";

  private final Path dir;
  private final Path file;
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final DevIssuer idp;
  private final FakeSts sts;
  private final FakeSecretsManager sm;
  private final SdkStsGateway stsGateway;
  private final SdkSecretsGateway secretsGateway;
  private final EventLoops network;
  private final AuditWriter writer;
  private final Authenticator authenticator;
  private final LoopbackBroker broker;
  private long readUpTo;

  /**
   * What a test may change: the rate limiter (with a clock of its own), the cap on STS calls in
   * flight, and a wrapper around the real STS gateway (to hold calls in flight).
   */
  public record Options(RateLimiter limits, ConcurrencyCap stsCap,
      UnaryOperator<StsGateway> aroundSts) {
    public static final Options DEFAULT = new Options(RateLimiter.NONE,
        new ConcurrencyCap("STS", 10_000, Duration.ZERO), UnaryOperator.identity());
  }

  private AuditedBroker(Path dir, BrokerMetrics metrics, Options options) throws Exception {
    Clock clock = Clock.systemUTC();
    this.dir = dir;
    this.file = dir.resolve("audit.jsonl");
    idp = DevIssuer.start(clock);
    sts = FakeSts.start(clock);
    sm = FakeSecretsManager.start(clock);
    sm.trust(sts);
    sm.putString("app/db", SECRET_VALUE);
    BrokerConfig config = ConfigLoader.parse("""
        server: {listen: 127.0.0.1:0}
        roles:
          deployer: {arn: "arn:aws:iam::123456789012:role/deployer"}
          named: {arn: "arn:aws:iam::123456789012:role/named", session_name: "{preferred_username}"}
        secrets:
          db: {id: app/db, cache_ttl: 5m}
        rules:
          - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer], secrets: [db]}
          - {id: named, when: {claims: {groups: {contains: named}}}, roles: [named]}
          - {id: security, when: {claims: {groups: {contains: security}}}, auditor: true, admin: true}
        """, "test", Path.of(".")).withIssuer(idp.issuerConfig());
    authenticator = Authenticator.create(config.issuers(), clock, io, metrics.auth());
    metrics.auth().keySets(authenticator::keySets, clock);
    RevocationBook book = new RevocationBook(new FileRevocationStore(
        dir.resolve("revocations.jsonl")), clock, Optional.of(Duration.ofMinutes(1)));
    book.start();
    BrokerState state = new BrokerState(authenticator, new PolicyEngine(config), book,
        options.limits());
    var brokerKey = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID,
            FakeSts.BROKER_SECRET));
    AwsConfig aws = new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()),
        Duration.ofSeconds(20)).withSecretsManagerEndpoint(sm.endpoint());
    stsGateway = SdkStsGateway.create(aws, brokerKey, clock);
    secretsGateway = SdkSecretsGateway.create(aws, brokerKey);
    CredentialCache roles = new CredentialCache(new CappedStsGateway(options.aroundSts().apply(
        new MeteredStsGateway(stsGateway, metrics.aws())), options.stsCap()),
        io, clock, Duration.ofMinutes(5), Duration.ofMinutes(10), 1000, metrics.credentialCache());
    network = EventLoops.start();
    writer = AuditWriter.open(AuditConfig.toFile(file), clock, network, metrics.audit());
    AuditRecorder recorder = new AuditRecorder(writer, List.of("groups"), clock, metrics.requests());
    broker = LoopbackBroker.start(Optional.of(recorder), Optional.of(network), metrics,
        new CredentialBrokerService(() -> state, new CredentialVendor(roles, Duration.ofHours(1)),
            new SecretVendor(new SecretCache(new MeteredSecretsGateway(secretsGateway,
                metrics.aws()), roles, io, clock, 1000, metrics.secretCache()), clock),
            "us-east-1", clock, recorder),
        new AuditSearchService(() -> state, recorder,
            Optional.of(dev.credbroker.server.fleet.AuditSource.files(file)), io, clock),
        new AdminService(() -> state, recorder, new Revoker(book, Optional.empty(),
            config::roles), io, clock));
  }

  /** The broker's address, {@code 127.0.0.1:PORT}, as the CLI's {@code --target}. */
  public String target() {
    return "127.0.0.1:" + broker.server().address().getPort();
  }

  /** The live audit file (for {@code audit search --file} and shipping to a store). */
  public Path auditFile() {
    return file;
  }

  /** Starts a broker whose audit file lives in a new temporary folder. */
  public static AuditedBroker start() throws Exception {
    return start(BrokerMetrics.detached());
  }

  /** Recording into {@code metrics} as {@code Main} wires it. */
  public static AuditedBroker start(BrokerMetrics metrics) throws Exception {
    return start(metrics, Options.DEFAULT);
  }

  /** Recording into {@code metrics}, limited and capped as {@code options} say. */
  public static AuditedBroker start(BrokerMetrics metrics, Options options) throws Exception {
    return new AuditedBroker(Files.createTempDirectory("credbroker-audited"), metrics, options);
  }

  /** The broker's audit writer (whether it can write, for health). */
  public AuditWriter auditWriter() {
    return writer;
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  public BrokerServer server() {
    return broker.server();
  }

  public FakeSts sts() {
    return sts;
  }


  public ManagedChannel channel() {
    return broker.channel();
  }

  /** The dev issuer's URL, as tokens' {@code iss}. */
  public String issuer() {
    return idp.issuer();
  }

  /** A real token of the dev issuer for {@code subject} in {@code group}, valid for an hour. */
  public String token(String subject, String group) {
    return idp.mint(subject, Map.of("groups", List.of(group)), Duration.ofHours(1));
  }

  /** A real token of the dev issuer for {@code subject} with these claims, valid for an hour. */
  public String token(String subject, Map<String, Object> claims) {
    return idp.mint(subject, claims, Duration.ofHours(1));
  }

  /**
   * The decision records written since the last call, oldest first. An answer leaves only after its record
   * is written, so once a call has been answered its record is here.
   */
  public List<Map<String, Object>> newRecords() {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      byte[] bytes = new byte[Math.toIntExact(size - readUpTo)];
      in.read(java.nio.ByteBuffer.wrap(bytes), readUpTo);
      readUpTo = size;
      List<Map<String, Object>> out = new ArrayList<>();
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        Map<String, Object> record = line.isEmpty() ? Map.of() : JSONObjectUtils.parse(line);
        if ("decision".equals(record.get("type"))) { // not the checkpoints sealing the chain
          out.add(record);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ParseException e) {
      throw new AssertionError("an audit line is not JSON", e);
    }
  }

  @Override
  public void close() throws Exception {
    broker.close();
    writer.close();
    network.close();
    secretsGateway.close();
    stsGateway.close();
    sm.close();
    sts.close();
    idp.close();
    io.shutdownNow();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }
}
