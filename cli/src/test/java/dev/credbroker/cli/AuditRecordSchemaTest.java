package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.server.testing.AuditedBroker;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.StoredRecord;
import dev.credbroker.store.testing.PostgresCluster;
import dev.credbroker.store.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One record schema everywhere: a record a real broker wrote, read back from its file, from the
 * fleet store it was shipped to (real PostgreSQL) and through the broker's SearchAudit, prints the
 * same JSON from {@code credbroker audit search}: the line exactly as the broker wrote it.
 */
class AuditRecordSchemaTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  private final Clock clock = Clock.systemUTC();

  @Test
  void oneRecord_printsTheSameJson_fromTheFile_theStore_andSearchAudit() throws Exception {
    try (AuditedBroker broker = AuditedBroker.start()) {
      CliRun allowed = CliRun.run(Map.of("CREDBROKER_TOKEN", broker.token("alice", "developers")),
          clock, "whoami", "--target", broker.target(), "--plaintext");
      assertEquals(0, allowed.exit(), allowed.toString());
      CliRun refused = CliRun.run(Map.of("CREDBROKER_TOKEN", forged(broker.issuer())), clock,
          "whoami", "--target", broker.target(), "--plaintext");
      assertNotEquals(0, refused.exit(), refused.toString());
      List<Map<String, Object>> records = broker.newRecords();
      assertEquals(List.of("allow", "deny"), records.stream().map(r -> r.get("decision")).toList());

      // The refused token's record says whom it claimed to be, apart from any verified caller.
      assertEquals(Map.of("issuer", broker.issuer(), "subject", "mallory", "kid", "forged-kid"),
          records.get(1).get("unverified"));
      assertTrue(!records.get(1).containsKey("caller"), records.get(1).toString());
      CliRun bySubject = CliRun.run(Map.of(), clock, "audit", "search", "--file",
          broker.auditFile().toString(), "--subject", "mallory", "--format", "jsonl");
      assertEquals("", bySubject.out(), "--subject means the verified subject");
      CliRun table = CliRun.run(Map.of(), clock, "audit", "search", "--file",
          broker.auditFile().toString(), "--decision", "deny");
      assertTrue(table.out().contains(" unverified:mallory "), table.toString());

      List<String> lines = Files.readAllLines(broker.auditFile(), StandardCharsets.UTF_8);
      var store = postgres.cluster().newStore();
      try (AuditStore s = AuditStore.create(store)) {
        s.prepare(Instant.now());
        List<StoredRecord> batch = new ArrayList<>();
        lines.forEach(l -> batch.add(StoredRecord.of(l.getBytes(StandardCharsets.UTF_8))
            .orElseThrow()));
        s.ship("broker-a", batch, Instant.now());
      }
      Map<String, String> storeEnv = Map.of("CREDBROKER_STORE_URL", store.postgres().url(),
          "CREDBROKER_STORE_USER", PostgresCluster.USER,
          "CREDBROKER_STORE_PASSWORD_FILE", postgres.cluster().passwordFile().toString());
      Map<String, String> auditor = Map.of("CREDBROKER_TOKEN", broker.token("sam", "security"));

      for (Map<String, Object> record : records) {
        String id = (String) record.get("request_id");
        String written = lines.stream().filter(l -> l.contains("\"request_id\":\"" + id + "\""))
            .findFirst().orElseThrow();
        for (String format : List.of("jsonl", "json")) {
          CliRun file = CliRun.run(Map.of(), clock, "audit", "search", "--file",
              broker.auditFile().toString(), "--request-id", id, "--format", format);
          CliRun fromStore = CliRun.run(storeEnv, clock, "audit", "search", "--store",
              "--request-id", id, "--format", format);
          CliRun searched = CliRun.run(auditor, clock, "audit", "search", "--target",
              broker.target(), "--plaintext", "--request-id", id, "--format", format);
          assertEquals(format.equals("json") ? "[\n" + written + "\n]\n" : written + "\n",
              file.out(), file.toString());
          assertEquals(file.out(), fromStore.out(), fromStore.toString());
          assertEquals(file.out(), searched.out(), searched.toString());
        }
      }
    }
  }

  /** A token whose header and claims name someone, signed by nobody the broker trusts. */
  static String forged(String issuer) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"forged-kid\"}".getBytes(
        StandardCharsets.UTF_8)) + "." + b64.encodeToString(("{\"iss\":\"" + issuer
        + "\",\"sub\":\"mallory\",\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}")
        .getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[256]);
  }
}
