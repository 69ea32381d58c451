package dev.credbroker.bench;

import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything around the broker under test, in the suite's own process: a throwaway TLS PKI, the
 * development OIDC issuer that signs the callers' tokens, and the AWS-protocol STS and Secrets
 * Manager fakes. Writes
 * the broker's configuration: one rule lets the callers' group take every role, so the policy
 * work per call is real but small.
 */
final class Fixture implements AutoCloseable {
  static final String GROUP = "bench";
  static final String CACHED_ROLE = "deployer";
  static final String SECRET = "bench-db";

  private final Path dir;
  private final TestPki pki;
  private final DevIssuer idp;
  private final FakeSts sts;
  private final FakeSecretsManager secretsManager;

  private Fixture(Path dir, TestPki pki, DevIssuer idp, FakeSts sts,
      FakeSecretsManager secretsManager) {
    this.dir = dir;
    this.pki = pki;
    this.idp = idp;
    this.sts = sts;
    this.secretsManager = secretsManager;
  }

  static Fixture start(Path dir) throws IOException, GeneralSecurityException {
    Clock clock = Clock.systemUTC();
    FakeSecretsManager sm = FakeSecretsManager.start(clock);
    sm.putString("bench/db", "bench-password");
    return new Fixture(dir, TestPki.create(dir), DevIssuer.start(clock), FakeSts.start(clock), sm);
  }

  TestPki pki() {
    return pki;
  }

  FakeSts sts() {
    return sts;
  }

  /** A token for {@code subject} in the group every rule grants to, valid for two hours. */
  String token(String subject) {
    return idp.mint(subject, Map.of("groups", List.of(GROUP)), Duration.ofHours(2));
  }

  /** The broker's own AWS credentials, which the fake STS verifies SigV4 signatures with. */
  static Map<String, String> brokerEnvironment() {
    return Map.of("AWS_ACCESS_KEY_ID", FakeSts.BROKER_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", FakeSts.BROKER_SECRET,
        "AWS_EC2_METADATA_DISABLED", "true");
  }

  /**
   * Writes a broker config: TLS on, the dev issuer trusted, STS at the fake, {@code roles} role
   * aliases besides {@value #CACHED_ROLE} (they all map to distinct ARNs), room for
   * {@code maxCached} sessions, and the audit log (which the broker requires) in the fixture's
   * folder, on disk, with the given {@code durability} ({@code fsync} or {@code os_buffered}).
   */
  Path writeConfig(String name, List<String> roles, String durability, long maxCached)
      throws IOException {
    return writeConfig(name, roles, durability, maxCached, true);
  }

  /**
   * As above; with {@code metrics} false the broker has {@code metrics.enabled: false} (no
   * listener, per-call metrics not recorded), else its listener on any free port, so several
   * brokers run side by side.
   */
  Path writeConfig(String name, List<String> roles, String durability, long maxCached,
      boolean metrics) throws IOException {
    StringBuilder y = new StringBuilder();
    y.append("server:\n  listen: 127.0.0.1:0\n")
        .append("  tls: {cert: \"").append(pki.serverCert()).append("\", key: \"")
        .append(pki.serverKey()).append("\"}\n")
        .append("issuers:\n  - {issuer: \"").append(idp.issuer()).append("\", audiences: [")
        .append(DevIssuer.AUDIENCE).append("]}\n")
        .append("aws: {region: us-east-1, endpoint: \"").append(sts.endpoint())
        .append("\", secrets_manager_endpoint: \"").append(secretsManager.endpoint()).append("\"}\n")
        .append("credentials: {max_cached: ").append(maxCached).append("}\n")
        .append("roles:\n  ").append(CACHED_ROLE).append(": {arn: \"").append(arn(CACHED_ROLE))
        .append("\", session_tags: {team: \"$.groups[0]\", owner: \"$.sub\"}}\n");
    for (String role : roles) {
      y.append("  ").append(role).append(": {arn: \"").append(arn(role)).append("\"}\n");
    }
    y.append("secrets:\n  ").append(SECRET).append(": {id: bench/db, cache_ttl: 1h}\n")
        .append("rules:\n  - {id: bench, when: {claims: {groups: {contains: ").append(GROUP)
        .append("}}}, roles: [\"*\"], secrets: [\"*\"]}\n");
    // One caller drives the whole load: limits far above it keep the buckets' cost in the
    // measurement without refusing anything.
    y.append("rate_limits:\n  caller: {requests: {per_second: 1000000, burst: 10000000},"
        + " uncached: {per_second: 1000000, burst: 10000000}}\n"
        + "  role: {requests: {per_second: 1000000, burst: 10000000},"
        + " uncached: {per_second: 1000000, burst: 10000000}}\n"
        + "  secret: {requests: {per_second: 1000000, burst: 10000000},"
        + " uncached: {per_second: 1000000, burst: 10000000}}\n"
        + "  aws: {sts_concurrency: 10000, secrets_manager_concurrency: 10000}\n");
    y.append(metrics ? "metrics: {listen: 127.0.0.1:0}\n" : "metrics: {enabled: false}\n");
    y.append("audit: {file: \"").append(dir.resolve(name + "-audit.jsonl")).append("\", durability: ")
        .append(durability).append("}\n");
    return Files.writeString(dir.resolve(name + ".yaml"), y.toString());
  }

  private static String arn(String role) {
    return "arn:aws:iam::" + FakeSts.ACCOUNT + ":role/" + role;
  }

  /** Stops the fakes and deletes the folder: the audit logs of a full run take a few hundred MB. */
  @Override
  public void close() throws IOException {
    sts.close();
    secretsManager.close();
    idp.close();
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
