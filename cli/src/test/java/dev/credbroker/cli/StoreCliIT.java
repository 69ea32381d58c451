package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.cli.testing.CliJar;
import dev.credbroker.cli.testing.Commands;
import dev.credbroker.core.audit.AuditEvent.Decision;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.testing.PostgresCluster;
import dev.credbroker.store.testing.TrailLines;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code credbroker.jar} reaches the fleet store: the JDBC driver survives the jar's
 * minimisation (it loads itself through ServiceLoader and by name), and the jar needs neither the
 * pool nor Flyway to search and verify.
 */
class StoreCliIT {
  @TempDir Path dir;

  @Test
  void shippedJar_searchesAndVerifiesTheStore() throws Exception {
    try (PostgresCluster pg = PostgresCluster.start()) {
      StoreConfig store = pg.newStore();
      AuditSigner signer = AuditSigner.loadOrCreate(dir.resolve("k"));
      TrailLines trail = new TrailLines("broker-a", signer)
          .decision(Instant.parse("2026-11-20T10:00:00Z"), "alice", "deployer", Decision.ALLOW,
              "ASIAALICE1")
          .checkpoint(Instant.parse("2026-11-20T10:00:01Z"));
      try (AuditStore s = AuditStore.create(store)) {
        s.prepare(Instant.parse("2026-11-20T10:00:00Z"));
        s.ship("broker-a", trail.stored(), Instant.now());
      }
      Map<String, String> env = Map.of("CREDBROKER_STORE_URL", store.postgres().url(),
          "CREDBROKER_STORE_USER", PostgresCluster.USER,
          "CREDBROKER_STORE_PASSWORD_FILE", pg.passwordFile().toString());
      Commands.Result search = CliJar.run(env, "audit", "search", "--store", "--access-key-id",
          "ASIAALICE1");
      assertEquals(0, search.exit(), search.toString());
      assertTrue(search.output().contains("alice"), search.toString());
      Commands.Result verify = CliJar.run(env, "audit", "verify", "--store", "--public-key",
          AuditSigner.publicKeyFile(dir.resolve("k")).toString());
      assertEquals(0, verify.exit(), verify.toString());
      assertTrue(verify.output().contains("OK broker-a: 2 records verified"), verify.toString());
    }
  }

  @Test
  void shippedJar_reviewsAccessFromTheStore() throws Exception {
    try (PostgresCluster pg = PostgresCluster.start()) {
      StoreConfig store = pg.newStore();
      TrailLines trail = new TrailLines("broker-a", AuditSigner.loadOrCreate(dir.resolve("k")))
          .decision(Instant.parse("2026-11-20T10:00:00Z"), "alice", "deployer", Decision.ALLOW,
              "ASIAALICE1");
      try (AuditStore s = AuditStore.create(store)) {
        s.prepare(Instant.parse("2026-11-20T10:00:00Z"));
        s.ship("broker-a", trail.stored(), Instant.now());
      }
      Path policy = java.nio.file.Files.writeString(dir.resolve("policy.yaml"), """
          server: {listen: 127.0.0.1:8443}
          roles:
            deployer: {arn: "arn:aws:iam::123456789012:role/deployer"}
            auditor-role: {arn: "arn:aws:iam::123456789012:role/auditor-role"}
          rules: [{id: rule-1, roles: [deployer, auditor-role]}, {id: nobody, roles: [deployer],
                   when: {claims: {groups: {contains: nobody}}}}]
          """);
      Commands.Result review = CliJar.run(Map.of("CREDBROKER_STORE_URL",
          store.postgres().url(), "CREDBROKER_STORE_USER", PostgresCluster.USER,
          "CREDBROKER_STORE_PASSWORD_FILE", pg.passwordFile().toString()), "access", "review",
          "--store", "--config", policy.toString(), "--since", "2026-11-01T00:00:00Z",
          "--until", "2026-12-01T00:00:00Z", "--format", "json");
      assertEquals(0, review.exit(), review.toString());
      assertTrue(review.output().contains("\"subject\": \"alice\""), review.toString());
      assertTrue(review.output().contains("\"rule_id\": \"nobody\""), review.toString());
      assertTrue(review.output().contains("\"role\": \"auditor-role\""), review.toString());
    }
  }
}
