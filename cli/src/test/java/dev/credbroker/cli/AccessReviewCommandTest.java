package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditEvent.Decision;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.testing.PostgresCluster;
import dev.credbroker.store.testing.PostgresExtension;
import dev.credbroker.store.testing.TrailLines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code credbroker access review} over known traffic, from a real PostgreSQL store (two brokers
 * shipped) and from the same records in a trail file: the same report from both, naming who used
 * what, the unused grants, the rule that matched nothing and the entitlements held and not used.
 */
class AccessReviewCommandTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final String ISSUER = "https://idp.example";
  static final String CONFIG = """
      server: {listen: 127.0.0.1:8443}
      roles:
        deployer: {arn: "arn:aws:iam::123456789012:role/deployer"}
        reader: {arn: "arn:aws:iam::123456789012:role/reader"}
        break-glass: {arn: "arn:aws:iam::123456789012:role/break-glass"}
      secrets: {db: {id: app/db}}
      rules:
        - {id: deployers, when: {claims: {groups: {contains: deploy}}}, roles: [deployer]}
        - {id: readers, when: {claims: {groups: {contains: read}}}, roles: [reader], secrets: [db]}
        - {id: legacy-admins, when: {claims: {groups: {contains: legacy}}}, roles: [break-glass]}
        - {id: no-mallory, effect: deny, when: {claims: {sub: {equals: mallory}}}, roles: ["*"]}
      """;
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @TempDir Path dir;
  Path config;
  Path live;
  StoreConfig store;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void knownTraffic() throws Exception {
    config = Files.writeString(dir.resolve("policy.yaml"), CONFIG);
    AuditSigner signer = AuditSigner.loadOrCreate(dir.resolve("a.key"));
    TrailLines a = new TrailLines("broker-a", signer)
        .decision(event(NOW.minus(Duration.ofDays(200)), "carol", List.of("deploy"), "deployer",
            "", Decision.ALLOW, List.of("deployers"))) // before the window: not seen
        .decision(event(NOW.minus(Duration.ofDays(30)), "alice", List.of("deploy", "read"),
            "deployer", "", Decision.ALLOW, List.of("deployers")))
        .decision(event(NOW.minus(Duration.ofDays(2)), "mallory", List.of("deploy"), "deployer",
            "", Decision.DENY, List.of("no-mallory")))
        .checkpoint(NOW.minus(Duration.ofDays(2)));
    TrailLines b = new TrailLines("broker-b", signer)
        .decision(event(NOW.minus(Duration.ofDays(10)), "bob", List.of("read"), "", "db",
            Decision.ALLOW, List.of("readers")))
        .decision(event(NOW.minus(Duration.ofDays(1)), "alice", List.of("deploy", "read"),
            "deployer", "", Decision.ALLOW, List.of("deployers")));
    store = postgres.cluster().newStore();
    try (AuditStore s = AuditStore.create(store)) {
      s.prepare(NOW);
      s.ship("broker-a", a.stored(), NOW);
      s.ship("broker-b", b.stored(), NOW);
    }
    live = dir.resolve("audit.jsonl"); // one file holding both brokers' lines: the same traffic
    StringBuilder text = new StringBuilder();
    a.lines().forEach(l -> text.append(TrailLines.text(l)).append('\n'));
    b.lines().forEach(l -> text.append(TrailLines.text(l)).append('\n'));
    Files.writeString(live, text);
  }

  @Test
  void review_fromTheStore_namesUseUnusedGrantsUnmatchedRulesAndIdleEntitlements()
      throws Exception {
    assertEquals(0, runStore("--since", "90d", "--format", "json"), err());
    Map<String, Object> report = JSONObjectUtils.parse(text());
    assertEquals(List.of("2026-09-01T00:00:00Z", "2026-12-01T00:00:00Z"),
        List.of(report.get("since"), report.get("until")), "whole UTC days: the store's rollup");
    List<Map<String, Object>> used = normalized(report.get("used"));
    assertEquals(2, used.size(), text());
    assertEquals(Map.of("role", "deployer", "identities", List.of(Map.of("issuer", ISSUER,
        "subject", "alice", "client_id", "client-alice", "requests", 2L,
        "last", NOW.minus(Duration.ofDays(1)).toString()))), used.get(0),
        "alice's two, one on each broker; carol's is older than the window, mallory was denied");
    assertEquals("db", used.get(1).get("secret"));
    assertEquals(List.of(
        Map.of("rule_id", "readers", "role", "reader"),
        Map.of("rule_id", "legacy-admins", "role", "break-glass")), report.get("unused_grants"));
    assertEquals(List.of(Map.of("rule_id", "legacy-admins", "effect", "allow")),
        report.get("unmatched_rules"));
    List<Map<String, Object>> idle = normalized(report.get("idle_entitlements"));
    assertEquals(List.of("alice", "bob"), idle.stream().map(i -> i.get("subject")).toList(),
        "most recently seen first; mallory may have nothing, carol is outside the window");
    assertEquals(List.of(Map.of("role", "reader"), Map.of("secret", "db")),
        idle.get(0).get("unused"), "alice may read and never did");
    assertEquals(List.of(Map.of("role", "reader")), idle.get(1).get("unused"));
  }

  @Test
  void review_fromTheFile_isTheSameReportAsFromTheStore() {
    assertEquals(0, runStore("--since", "90d", "--format", "json"), err());
    String fromStore = text();
    assertEquals(0, run(Map.of(), "access", "review", "--config", config.toString(), "--file",
        live.toString(), "--since", "90d", "--format", "json"), err());
    assertEquals(fromStore, text());
  }

  @Test
  void table_listsEachSection() {
    assertEquals(0, runStore("--since", "90d"), err());
    List<String> lines = text().lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.matches("role deployer +https://idp.example +alice"
        + " +client-alice +2 +2026-11-29T12:00:00Z")), text());
    assertTrue(lines.stream().anyMatch(l -> l.matches("legacy-admins +role break-glass")), text());
    assertTrue(lines.stream().anyMatch(l -> l.matches("legacy-admins +allow")), text());
    assertTrue(lines.stream().anyMatch(l -> l.matches("https://idp.example +bob +client-bob"
        + " +2026-11-20T12:00:00Z +role reader")), text());
  }

  @Test
  void shorterWindow_seesLess() throws Exception {
    assertEquals(0, runStore("--since", "5d", "--format", "json"), err());
    Map<String, Object> report = JSONObjectUtils.parse(text());
    assertEquals(1, normalized(report.get("used")).size(),
        "only alice's recent deployer: " + text());
    assertTrue(normalized(report.get("unmatched_rules")).stream()
        .anyMatch(r -> r.get("rule_id").equals("readers")), text());
  }

  @Test
  void badInput_isAOneLineError() throws Exception {
    assertEquals(2, runStore("--since", "ninety days"));
    assertOneLine("--since is a time like");
    assertEquals(2, run(Map.of(), "access", "review", "--config", config.toString(), "--file",
        dir.resolve("missing.jsonl").toString()));
    assertOneLine("credbroker: file not found:");
    assertEquals(2, run(Map.of(), "access", "review", "--config", config.toString()));
    assertOneLine("give --store");
    assertEquals(2, run(Map.of(), "access", "review", "--file", live.toString()));
    assertOneLine("--config FILE is required");
    assertEquals(2, runStore("--format", "yaml"));
    assertOneLine("--format is table or json");
    assertEquals(2, run(Map.of(), "access", "revue"));
    assertOneLine("unknown access command");
    postgres.cluster().stop();
    try {
      assertEquals(1, runStore());
      assertOneLine("credbroker: cannot connect to the audit store");
      assertFalse(err().contains(postgres.cluster().password()), err());
    } finally {
      postgres.cluster().startServer();
    }
  }

  private void assertOneLine(String start) {
    assertEquals(1, err().lines().count(), err());
    assertTrue(err().contains(start), err());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> normalized(Object list) {
    return (List<Map<String, Object>>) list;
  }

  private static AuditEvent event(Instant at, String subject, List<String> groups, String role,
      String secret, Decision d, List<String> rules) {
    return new AuditEvent(at, "req-" + subject + "-" + at.getEpochSecond(), role.isEmpty()
        ? Rpc.GET_SECRET_VALUE : Rpc.GET_AWS_CREDENTIALS, Optional.of(new AuditEvent.Caller(
            ISSUER, subject, "client-" + subject, Map.of("groups", groups))), "10.0.0.1:1",
        "0123456789abcdef", role.isEmpty() ? Optional.empty() : Optional.of(role),
        secret.isEmpty() ? Optional.empty() : Optional.of(secret), d, rules, "because",
        d == Decision.ALLOW ? StatusCode.OK : StatusCode.PERMISSION_DENIED, Optional.empty(),
        Optional.empty(), AuditEvent.Cache.MISS, "", Duration.ofMillis(2));
  }

  private int runStore(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("access", "review", "--config",
        config.toString(), "--store"));
    all.addAll(List.of(args));
    String password;
    try {
      password = postgres.cluster().passwordFile().toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return run(Map.of("CREDBROKER_STORE_URL", store.postgres().url(), "CREDBROKER_STORE_USER",
        PostgresCluster.USER, "CREDBROKER_STORE_PASSWORD_FILE", password),
        all.toArray(String[]::new));
  }

  private int run(Map<String, String> env, String... args) {
    out.reset();
    err.reset();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    return CredbrokerCli.run(args, new Io(env, o, e, Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private String text() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
