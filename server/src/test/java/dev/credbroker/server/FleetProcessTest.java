package dev.credbroker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.proto.v1.AuditRecord;
import dev.credbroker.proto.v1.AuditServiceGrpc;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.SearchAuditRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.testing.DevBanner;
import dev.credbroker.server.testing.ProcessRunner;
import dev.credbroker.store.StoreVerifier;
import dev.credbroker.store.testing.PostgresCluster;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two broker processes sharing one PostgreSQL store: SearchAudit on either replica sees both
 * replicas' records, each chain verifies in the store, and a replica killed with SIGKILL resumes
 * shipping from the store's last seq for it, with nothing missing or stored twice.
 */
class FleetProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void twoReplicas_shareOneStore_andAKilledReplicaResumesFromTheStore() throws Exception {
    try (PostgresCluster pg = PostgresCluster.start()) {
      String url = pg.newDatabase();
      Path configA = config("broker-a", url, pg.passwordFile());
      Path configB = config("broker-b", url, pg.passwordFile());
      long t0 = System.nanoTime();
      try (ProcessRunner a = start(configA); ProcessRunner b = start(configB)) {
        Endpoint ea = endpoint(a);
        Endpoint eb = endpoint(b);
        whoAmI(ea, 5);
        whoAmI(eb, 5);
        // the shippers run in the broker processes: the store's rows are the only sign
        Awaitility.await("both replicas' 10 calls in the store").atMost(WAIT)
            .until(() -> whoAmIsStored(pg, url) == 10);
        System.out.printf("FleetProcessTest: started and shipped in %d ms%n",
            (System.nanoTime() - t0) / 1_000_000);
        assertTrue(searchWhoAmI(ea) >= 10, "a search on a sees b's records too");
        assertTrue(searchWhoAmI(eb) >= 10, "a search on b sees a's records too");

        whoAmI(ea, 20);
        new ProcessBuilder("kill", "-KILL", Long.toString(a.pid())).start().waitFor();
        a.awaitExit(WAIT);
        ea.channel().shutdownNow();
        eb.channel().shutdownNow();
        b.terminate();
        assertEquals(0, b.awaitExit(WAIT), b.output());
      }
      long storedBeforeRestart = shippedSeq(pg, url, "broker-a");
      try (ProcessRunner a = start(configA)) {
        Matcher from = a.awaitLine("shipping broker broker-a from seq (\\d+)", WAIT);
        assertEquals(storedBeforeRestart + 1, Long.parseLong(from.group(1)),
            "resumes after the store's last seq for it");
        Endpoint ea = endpoint(a);
        whoAmI(ea, 5);
        ea.channel().shutdownNow();
        a.terminate();
        assertEquals(0, a.awaitExit(WAIT), a.output());
      }
      long local = Files.readAllLines(dir.resolve("broker-a").resolve("audit.jsonl")).size();
      // A broker that stops cleanly ships its trail, final checkpoint included, before it exits.
      assertEquals(local, shippedSeq(pg, url, "broker-a"), "every local record of a stored");
      try (Connection c = pg.connect(url)) {
        assertEquals(local, count(c, "SELECT count(*) FROM audit_records WHERE broker_id = ?",
            "broker-a"), "each record once");
        for (StoreVerifier.BrokerReport r : StoreVerifier.verify(c, Optional.empty(), List.of(
            key("broker-a"), key("broker-b")))) {
          assertTrue(r.report().ok(), r.toString());
        }
      }
    }
  }

  private Path config(String id, String url, Path passwordFile) throws Exception {
    Path home = Files.createDirectories(dir.resolve(id));
    Path config = home.resolve("config.yaml");
    Files.writeString(config, "server: {listen: 127.0.0.1:0}\nmetrics: {listen: 127.0.0.1:0}\n"
        + "rules: [{id: audits, when: {claims: {sub: dev-user}}, auditor: true}]\n"
        + "audit:\n  file: audit.jsonl\n  broker_id: " + id + "\n  store:\n    ship_interval: 50ms\n"
        + "    postgres: {url: '" + url + "', user: " + PostgresCluster.USER + ", password_file: '"
        + passwordFile + "'}\n");
    return config;
  }

  private java.security.PublicKey key(String id) throws Exception {
    return AuditSigner.readPublicKey(dir.resolve(id).resolve("audit-signing.key.pub"));
  }

  private static ProcessRunner start(Path config) throws Exception {
    return ProcessRunner.start(ProcessRunner.javaCommand(Main.class.getName(), "--dev",
        "--config", config.toString()));
  }

  private record Endpoint(ManagedChannel channel, Metadata headers) {}

  private static Endpoint endpoint(ProcessRunner broker) throws Exception {
    Matcher port = broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
    String token = DevBanner.token(broker, WAIT);
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return new Endpoint(Grpc.newChannelBuilderForAddress("127.0.0.1",
        Integer.parseInt(port.group(1)), InsecureChannelCredentials.create()).build(), h);
  }

  private static void whoAmI(Endpoint e, int n) {
    var stub = CredentialBrokerGrpc.newBlockingStub(e.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(e.headers()));
    for (int i = 0; i < n; i++) {
      stub.whoAmI(WhoAmIRequest.getDefaultInstance());
    }
  }

  private static int searchWhoAmI(Endpoint e) {
    List<AuditRecord> out = new ArrayList<>();
    AuditServiceGrpc.newBlockingStub(e.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(e.headers()))
        .searchAudit(SearchAuditRequest.newBuilder().setLimit(1000).build())
        .forEachRemaining(out::add);
    return (int) out.stream().filter(r -> r.getRpc().endsWith("WhoAmI")).count();
  }

  private static long whoAmIsStored(PostgresCluster pg, String url) throws Exception {
    try (Connection c = pg.connect(url)) {
      return count(c, "SELECT count(*) FROM audit_records WHERE rpc = ?", "WhoAmI");
    } catch (java.sql.SQLException notYetMigrated) {
      return 0;
    }
  }

  private static long shippedSeq(PostgresCluster pg, String url, String broker) throws Exception {
    try (Connection c = pg.connect(url)) {
      return count(c, "SELECT coalesce(max(shipped_seq), 0) FROM audit_brokers"
          + " WHERE broker_id = ?", broker);
    }
  }

  private static long count(Connection c, String sql, String arg) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}
