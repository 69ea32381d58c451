package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.server.testing.AuditedBroker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code credbroker revoke}, {@code revocations} and {@code unrevoke} against a whole broker:
 * the runbook's commands, who may run them, and the usage errors a hurried operator makes.
 */
class RevokeCommandTest {
  private final Clock clock = Clock.systemUTC();
  private AuditedBroker broker;
  private String admin;

  @BeforeEach
  void start() throws Exception {
    broker = AuditedBroker.start();
    admin = broker.token("carol", "security");
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
  }

  @Test
  void revokeListUnrevoke_cutsTheSubjectOffAndRestoresIt() throws Exception {
    String alice = broker.token("alice", "developers");
    assertEquals(0, as(alice, "get-secret", AuditedBroker.SECRET).exit());

    CliRun revoked = as(admin, "revoke", "--subject", "alice", "--issuer", broker.issuer(),
        "--reason", "INC-7 laptop stolen");
    assertEquals(0, revoked.exit(), revoked.toString());
    assertTrue(revoked.out().startsWith("revoked: rv-"), revoked.out());
    String id = revoked.out().substring("revoked: ".length(), "revoked: ".length() + 15);

    CliRun refused = as(alice, "get-secret", AuditedBroker.SECRET);
    assertEquals(CredbrokerCli.EXIT_DENIED, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("revoked"), refused.err());
    assertEquals(0, as(broker.token("bob", "developers"), "get-secret", AuditedBroker.SECRET)
        .exit(), "only alice");

    CliRun table = as(admin, "revocations");
    assertEquals(0, table.exit(), table.toString());
    assertTrue(table.out().contains(id) && table.out().contains("subject alice of ")
        && table.out().contains("everything") && table.out().contains("INC-7 laptop stolen"),
        table.out());
    List<Object> json = com.nimbusds.jose.util.JSONArrayUtils.parse(as(admin, "revocations", "--format", "json")
        .out());
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) json.get(0);
    assertEquals(id, first.get("id"));
    assertEquals(Map.of("issuer", broker.issuer(), "subject", "alice"), first.get("target"));
    assertEquals("carol", ((String) first.get("revoked_by")).split(" ")[1]);

    CliRun withdrawn = as(admin, "unrevoke", id);
    assertEquals(0, withdrawn.exit(), withdrawn.toString());
    assertEquals(0, as(alice, "get-secret", AuditedBroker.SECRET).exit());
    assertEquals(CredbrokerCli.EXIT_USAGE, as(admin, "unrevoke", id).exit(), "already withdrawn");
  }

  @Test
  void withoutTheAdminEntitlement_everyAdminCommandIsDenied() {
    String bob = broker.token("bob", "developers");
    assertEquals(CredbrokerCli.EXIT_DENIED, as(bob, "revocations").exit());
    assertEquals(CredbrokerCli.EXIT_DENIED, as(bob, "revoke", "--target-client-id", "ci",
        "--reason", "r").exit());
    assertEquals(CredbrokerCli.EXIT_DENIED, as(bob, "unrevoke", "rv-0123456789ab").exit());
  }

  @Test
  void usageMistakes_areExplainedAndSendNothing() {
    for (String[] args : List.of(
        new String[] {"revoke", "--reason", "no target"},
        new String[] {"revoke", "--subject", "alice", "--reason", "no issuer"},
        new String[] {"revoke", "--subject", "alice", "--issuer", "i", "--token-hash",
            "0123456789abcdef", "--reason", "two targets"},
        new String[] {"revoke", "--target-client-id", "ci"},
        new String[] {"revoke", "--target-client-id", "ci", "--issuer", "i", "--reason", "r"},
        new String[] {"revoke", "--target-client-id", "ci", "--reason", "r", "--before",
            "yesterday"},
        new String[] {"revoke", "--target-client-id", "ci", "--reason", "r", "--format", "xml"},
        new String[] {"unrevoke"},
        new String[] {"unrevoke", "--format", "json"})) {
      CliRun r = as(admin, args);
      assertEquals(CredbrokerCli.EXIT_USAGE, r.exit(), String.join(" ", args) + ": " + r);
      assertTrue(r.err().startsWith("credbroker: "), r.err());
    }
    CliRun badHash = as(admin, "revoke", "--token-hash", "XYZ", "--reason", "r");
    assertEquals(CredbrokerCli.EXIT_USAGE, badHash.exit(), badHash.toString());
    assertTrue(badHash.err().contains("16 lowercase hex"), badHash.err());
    assertEquals("", as(admin, "revocations").out().lines().skip(1)
        .reduce("", String::concat), "nothing was revoked");
  }

  private CliRun as(String token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--target", broker.target(), "--plaintext"));
    return CliRun.run(Map.of("CREDBROKER_TOKEN", token), clock, all.toArray(String[]::new));
  }
}
