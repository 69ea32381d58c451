package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditEvent.Decision;
import dev.credbroker.core.audit.AuditSigner;
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
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code credbroker audit search|verify --store} against a real PostgreSQL holding two brokers'
 * chains, as the brokers' writers and shippers leave them.
 */
class AuditStoreCommandTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static PostgresCluster pg() {
    return postgres.cluster();
  }
  static AuditSigner signerA;
  static AuditSigner signerB;

  @TempDir Path dir;
  StoreConfig store;
  TrailLines a;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void startPostgres() throws Exception {
    Path keys = Files.createTempDirectory("cli-store-keys");
    signerA = AuditSigner.loadOrCreate(keys.resolve("a.key"));
    signerB = AuditSigner.loadOrCreate(keys.resolve("b.key"));
  }


  @BeforeEach
  void twoBrokersShipped() throws Exception {
    store = pg().newStore();
    a = new TrailLines("broker-a", signerA)
        .decision(T0, "alice", "deployer", Decision.ALLOW, "ASIAALICE1")
        .decision(T0.plusSeconds(1), "mallory", "admin", Decision.DENY, "")
        .checkpoint(T0.plusSeconds(2))
        .decision(T0.plusSeconds(3), "alice", "deployer", Decision.ALLOW, "ASIAALICE2");
    TrailLines b = new TrailLines("broker-b", signerB)
        .decision(T0.plusSeconds(1), "bob", "deployer", Decision.ALLOW, "ASIABOB1")
        .checkpoint(T0.plusSeconds(2));
    try (AuditStore s = AuditStore.create(store)) {
      s.prepare(T0);
      s.ship("broker-a", a.stored(), T0);
      s.ship("broker-b", b.stored(), T0);
    }
  }

  @Test
  void searchByAccessKeyId_namesTheIdentity_whicheverBrokerIssuedIt() {
    assertEquals(0, run("audit", "search", "--store", "--access-key-id", "ASIABOB1",
        "--format", "jsonl"));
    List<String> lines = text().lines().toList();
    assertEquals(1, lines.size(), text());
    assertTrue(lines.get(0).contains("\"subject\":\"bob\""), text());

    assertEquals(0, run("audit", "search", "--store", "--subject", "alice"));
    List<String> rows = text().lines().toList();
    assertEquals(3, rows.size(), "header and alice's two records: " + text());
    assertTrue(rows.get(1).startsWith("2026-11-20T10:00:03Z"), "newest first: " + text());
  }

  @Test
  void search_pagesWithAfter_acrossBrokers() {
    List<String> seen = new ArrayList<>();
    String after = "";
    while (true) {
      List<String> args = new ArrayList<>(List.of("audit", "search", "--store", "--limit", "1",
          "--format", "jsonl"));
      if (!after.isEmpty()) {
        args.addAll(List.of("--after", after));
      }
      assertEquals(0, run(args.toArray(String[]::new)), err());
      if (text().isBlank()) {
        break;
      }
      seen.add(text().strip());
      String line = text().strip();
      int at = line.indexOf("\"request_id\":\"") + 14;
      after = line.substring(at, line.indexOf('"', at));
    }
    assertEquals(4, seen.size(), "three of a's decisions and one of b's, each once: " + seen);
  }

  @Test
  void verifyStore_everyBrokersChain_thenACutTailInTheStore() throws Exception {
    assertEquals(0, run("audit", "verify", "--store", "--public-key", pub(signerA),
        "--public-key", pub(signerB)), text() + err());
    assertTrue(text().contains("OK broker-a: 4 records verified (seq 1 to 4) in the store; 1"
        + " checkpoint signatures verified"), text());
    assertTrue(text().contains("OK broker-b: 2 records verified"), text());

    exec("DELETE FROM audit_records WHERE broker_id = 'broker-a' AND seq = 4");
    assertEquals(1, run("audit", "verify", "--store", "--public-key", pub(signerA),
        "--public-key", pub(signerB)));
    assertTrue(text().contains("BROKEN broker-a at") && text().contains("expected head seq 4"),
        text());
  }

  @Test
  void verifyStore_anEditedColumn_isBroken_andNamedEscaped() throws Exception {
    exec("UPDATE audit_records SET subject = E'mallory\\n\\u001b[2J' WHERE broker_id = 'broker-a'"
        + " AND seq = 1");
    assertEquals(1, run("audit", "verify", "--store", "--public-key", pub(signerA),
        "--public-key", pub(signerB)), text() + err());
    assertTrue(text().contains("BROKEN broker-a: the chain verified (4 records) but 1 rows'"
        + " searchable columns differ from their records"), text());
    assertTrue(text().contains("  store/broker-a seq 1: column subject holds"
        + " \"mallory\\n\\u001b[2J\", its record says \"alice\""), text());
    assertTrue(text().contains("OK broker-b:"), text());
  }

  @Test
  void verifyStore_withLocalFiles_findsALocalTrailCutBelowTheStore() throws Exception {
    Path live = dir.resolve("audit.jsonl");
    List<byte[]> lines = a.lines();
    writeLines(live, lines);
    assertEquals(0, run("audit", "verify", "--store", "--broker-id", "broker-a", "--public-key",
        pub(signerA), live.toString()), text() + err());
    writeLines(live, lines.subList(0, 3));
    assertEquals(1, run("audit", "verify", "--store", "--broker-id", "broker-a", "--public-key",
        pub(signerA), live.toString()));
    assertTrue(text().contains("the expected head seq 4 is not in these files"), text());
  }

  @Test
  void storeFlags_badOrMissing_areUsageErrors_andThePasswordNeverShows() throws Exception {
    assertEquals(2, runWith(Map.of(), "audit", "search", "--store"));
    assertTrue(err().contains("--store-url"), err());
    assertEquals(2, runWith(Map.of("CREDBROKER_STORE_URL", store.postgres().url()
        + "?password=" + pg().password()), "audit", "search", "--store"));
    assertFalse(err().contains(pg().password()), err());
    assertEquals(2, run("audit", "search", "--store", "--file", "x.jsonl"));
    Files.writeString(dir.resolve("wrong"), "not-the-password\n");
    assertEquals(1, runWith(Map.of("CREDBROKER_STORE_URL", store.postgres().url(),
        "CREDBROKER_STORE_USER", PostgresCluster.USER, "CREDBROKER_STORE_PASSWORD_FILE",
        dir.resolve("wrong").toString()), "audit", "search", "--store"));
    assertTrue(err().startsWith("credbroker: cannot connect to the audit store"), err());
    assertFalse(err().contains("not-the-password") || err().contains(pg().password()), err());
  }


  private static void writeLines(Path file, List<byte[]> lines) throws Exception {
    StringBuilder text = new StringBuilder();
    lines.forEach(l -> text.append(TrailLines.text(l)).append('\n'));
    Files.writeString(file, text);
  }

  private String pub(AuditSigner signer) throws Exception {
    Path file = dir.resolve(signer.keyId() + ".pub");
    if (!Files.exists(file)) {
      Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder()
          .encodeToString(signer.publicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    }
    return file.toString();
  }

  private void exec(String sql) throws Exception {
    try (Connection c = pg().connect(store.postgres().url()); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private int run(String... args) {
    return runWith(Map.of("CREDBROKER_STORE_URL", store.postgres().url(),
        "CREDBROKER_STORE_USER", PostgresCluster.USER,
        "CREDBROKER_STORE_PASSWORD_FILE", passwordFile()), args);
  }

  private String passwordFile() {
    try {
      return pg().passwordFile().toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private int runWith(Map<String, String> env, String... args) {
    out.reset();
    err.reset();
    return CredbrokerCli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String text() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
