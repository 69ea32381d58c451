package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../examples");

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void test_shippedExampleCases_allPass() {
    assertEquals(0, run("policy", "test", "--config", example("policy.yaml"), example("policy-cases.yaml")),
        text(out) + text(err));
    assertTrue(text(out).endsWith("5 passed, 0 failed\n"), text(out));
  }

  @Test
  void test_wrongExpectation_failsWithReasonAndExitsOne() throws Exception {
    Path cases = Files.writeString(dir.resolve("cases.yaml"), """
        cases:
          - name: bob is no deployer
            claims: {sub: bob}
            role: payments-deployer
            expect: allow
        """);
    assertEquals(1, run("policy", "test", "--config", example("policy.yaml"), cases.toString()));
    assertTrue(text(out).contains("FAIL bob is no deployer: expected allow, got no rule allows role"
        + " 'payments-deployer' for this caller"), text(out));
    assertTrue(text(out).endsWith("0 passed, 1 failed\n"), text(out));
  }

  @Test
  void explain_allow_printsGrant() throws Exception {
    Path claims = Files.writeString(dir.resolve("c.json"), "{\"sub\":\"alice\",\"preferred_username\":"
        + "\"alice\",\"groups\":[\"payments\"],\"amr\":[\"mfa\"],\"realm_access\":{\"roles\":[\"payments-deployer\"]}}");
    assertEquals(0, run("policy", "explain", "--config", example("policy.yaml"), "--claims", claims.toString(),
        "--role", "payments-deployer"));
    assertTrue(text(out).startsWith("ALLOW role 'payments-deployer'\n"), text(out));
    assertTrue(text(out).contains("grant: max 120m, session tags {"), text(out));
    assertTrue(text(out).contains("source identity alice"), text(out));
  }

  @Test
  void explain_deny_showsWhyTheNearestRulesDidNotMatch() throws Exception {
    Path claims = Files.writeString(dir.resolve("c.json"), "{\"sub\":\"bob\",\"email\":\"bob@example.com\"}");
    assertEquals(1, run("policy", "explain", "--config", example("policy.yaml"), "--claims", claims.toString(),
        "--source-ip", "203.0.113.9", "--at", "2026-11-24T10:00:00Z", "--role", "readonly"));
    assertTrue(text(out).startsWith("DENY role 'readonly'\nreason: no rule allows role 'readonly'"), text(out));
    assertTrue(text(out).contains("not matched staff-readonly-from-office (allow): source address"
        + " 203.0.113.9 not in [10.0.0.0/8, 2001:db8::/32]"), text(out));
  }

  @Test
  void lint_reportsFindingsAndExitsOne() throws Exception {
    Path config = Files.writeString(dir.resolve("p.yaml"), """
        server: {listen: 127.0.0.1:0}
        roles: {orphan: {arn: "arn:aws:iam::123456789012:role/orphan"}}
        """);
    assertEquals(1, run("policy", "lint", "--config", config.toString()));
    assertEquals("warning: role orphan is unreachable: no allow rule covers it\n1 findings\n", text(out));
    out.reset();
    assertEquals(0, run("policy", "lint", "--config", example("policy.yaml")));
  }

  @Test
  void productionConfig_withoutItsTlsFilesOnThisMachine_isLintedAndExplained() throws Exception {
    // A reviewer's laptop: the broker refuses this file here (MainProcessTest), the tools do not.
    Path config = Files.writeString(dir.resolve("prod.yaml"), """
        server:
          listen: 0.0.0.0:8443
          tls: {cert: /etc/credbroker/tls.crt, key: /etc/credbroker/tls.key}
        roles: {deployer: {arn: "arn:aws:iam::123456789012:role/deployer"}}
        rules: [{id: deployers, when: {claims: {groups: {contains: deployers}}}, roles: [deployer]}]
        """);
    Path claims = Files.writeString(dir.resolve("c.json"), "{\"sub\":\"ann\",\"groups\":[\"deployers\"]}");

    assertEquals(0, run("policy", "lint", "--config", config.toString()), text(out) + text(err));
    assertEquals(0, run("policy", "explain", "--config", config.toString(), "--claims",
        claims.toString(), "--role", "deployer"), text(out) + text(err));
    assertTrue(text(out).contains("ALLOW role 'deployer'\n"), text(out));
    assertEquals("", text(err));
  }

  @Test
  void invalidConfigOrUsage_exitsTwoWithOneLine() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "server: {listen: 127.0.0.1:0}\nrules: [{id: x, roles: [nope]}]\n");
    assertEquals(2, run("policy", "lint", "--config", bad.toString()));
    assertEquals("credbroker: config error: rules[0].roles[0]: 'nope' is not defined under roles; see credbroker policy --help\n",
        text(err));
    err.reset();
    assertEquals(2, run("policy", "explain", "--config", example("policy.yaml"), "--claims",
        example("policy.yaml"), "--role", "readonly"));
    assertTrue(text(err).contains("is not a JSON object of claims"), text(err));
  }

  private static String example(String name) {
    return EXAMPLES.resolve(name).toString();
  }

  private int run(String... args) {
    return CredbrokerCli.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream s) {
    return s.toString(StandardCharsets.UTF_8);
  }
}
