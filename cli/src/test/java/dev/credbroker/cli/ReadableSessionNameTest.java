package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.digest.CallerDigest;
import dev.credbroker.server.testing.AuditedBroker;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A role's {@code session_name: "{preferred_username}"}: a Keycloak service account whose subject
 * is a UUID gets a session name that reads as its username in the assumed-role ARN (what
 * CloudTrail shows) and in {@code audit search}'s table, with its client id; a token without the
 * claim falls back to the subject. Real broker, real STS protocol (the dev fake behind the SDK).
 */
class ReadableSessionNameTest {
  private static final String UUID = "5ffb5600-0e4f-4a7c-9d1b-7214af451ae2";
  @TempDir Path home;
  private final Clock clock = Clock.systemUTC();

  @Test
  void sessionNameTemplate_readsInTheArnAndTheTable_andFallsBackToTheSubject() throws Exception {
    try (AuditedBroker broker = AuditedBroker.start()) {
      String named = issue(broker, broker.token(UUID, Map.of("groups", List.of("named"),
          "preferred_username", "Alice Liddell", "azp", "payments-ci")));
      String digest = CallerDigest.of(broker.issuer(), UUID);
      assertTrue(broker.sts().minted(named).arn().endsWith("/Alice-Liddell." + digest),
          broker.sts().minted(named).arn());
      String plain = issue(broker, broker.token("bob", Map.of("groups", List.of("named"))));
      assertTrue(broker.sts().minted(plain).arn().endsWith("/bob."
          + CallerDigest.of(broker.issuer(), "bob")), broker.sts().minted(plain).arn());

      CliRun table = CliRun.run(Map.of(), clock, "audit", "search", "--file",
          broker.auditFile().toString(), "--rpc", "GetAwsCredentials");
      List<String> rows = table.out().lines().toList();
      assertEquals(List.of("TIME", "DECISION", "RPC", "SUBJECT", "CLIENT", "NAME", "TARGET",
          "STATUS", "REASON"), List.of(rows.get(0).split("\\s+")), table.toString());
      assertTrue(rows.get(2).matches(".* allow +GetAwsCredentials +" + UUID
          + " +payments-ci +Alice-Liddell +role named +OK .*"), table.toString());
      assertTrue(rows.get(1).matches(".* bob +bob +role named +OK .*"), table.toString());
    }
  }

  /** credential-process for the named role; returns the access key id. */
  private String issue(AuditedBroker broker, String token) throws Exception {
    CliRun r = CliRun.run(Map.of("HOME", home.toString(), "CREDBROKER_TOKEN", token), clock,
        "credential-process", "--role", AuditedBroker.NAMED_ROLE, "--no-cache", "--target",
        broker.target(), "--plaintext");
    assertEquals(0, r.exit(), r.toString());
    return (String) JSONObjectUtils.parse(r.out()).get("AccessKeyId");
  }
}
