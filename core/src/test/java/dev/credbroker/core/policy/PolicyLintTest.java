package dev.credbroker.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyLintTest {

  @Test
  void findsNeverMatchingShadowedAndUnreachable() {
    var config = PolicyEngineTest.config("""
        server: {listen: 127.0.0.1:0}
        issuers: [{issuer: "https://idp.example.com", audiences: [b]}]
        roles:
          used: {arn: "arn:aws:iam::123456789012:role/used"}
          frozen: {arn: "arn:aws:iam::123456789012:role/frozen"}
          orphan: {arn: "arn:aws:iam::123456789012:role/orphan"}
        secrets:
          lonely: {id: x}
        rules:
          - id: ok
            when: {issuer: "https://idp.example.com", claims: {groups: {contains: a}}}
            roles: [used]
          - id: typo-issuer
            when: {issuer: "https://idp.example.co"}
            roles: [used]
          - id: contradiction
            when: {claims: {email: {exists: true, absent: true}}}
            roles: [used]
          - id: empty-window
            when: {time: {hours: "09:00-09:00", zone: UTC}}
            roles: [used]
          - id: frozen-allow
            roles: [frozen]
          - id: freeze
            effect: deny
            roles: [frozen]
        """);

    assertEquals(List.of(
        "rule typo-issuer can never match: issuer [https://idp.example.co] is not among the configured issuers",
        "rule contradiction can never match: claim email must be both present and absent",
        "rule empty-window can never match: the time window 09:00-09:00 is empty",
        "rule frozen-allow is shadowed: an unconditional deny covers everything it allows",
        "role orphan is unreachable: no allow rule covers it",
        "secret lonely is unreachable: no allow rule covers it"), PolicyLint.findings(config));
  }

  @Test
  void cleanPolicy_hasNoFindings() {
    var config = PolicyEngineTest.config("""
        server: {listen: 127.0.0.1:0}
        roles: {r: {arn: "arn:aws:iam::123456789012:role/r"}}
        rules: [{id: a, when: {claims: {groups: {contains: x}}}, roles: [r]}]
        """);
    assertEquals(List.of(), PolicyLint.findings(config));
  }
}
