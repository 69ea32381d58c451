package dev.credbroker.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decisions over one realistic policy, case by case. */
class PolicyEngineTest {
  private static final String CORP = "https://idp.example.com/realms/corp";
  private static final Instant TUESDAY_NOON_UTC = Instant.parse("2026-11-24T12:00:00Z");

  private static final PolicyEngine ENGINE = new PolicyEngine(config("""
      server: {listen: 127.0.0.1:0}
      roles:
        deployer:
          arn: arn:aws:iam::123456789012:role/deployer
          max_duration: 2h
          session_tags: {team: "$.groups[0]", owner: "$.sub", env: prod}
          transitive_tag_keys: [team]
          source_identity: "$.preferred_username"
        reader: {arn: "arn:aws:iam::123456789012:role/reader"}
        office: {arn: "arn:aws:iam::123456789012:role/office"}
        night: {arn: "arn:aws:iam::123456789012:role/night"}
        admin: {arn: "arn:aws:iam::123456789012:role/admin"}
      secrets:
        db: {id: payments/db}
      rules:
        - id: deployers
          when: {issuer: "%s", claims: {realm_access.roles: {contains: deployer}}}
          roles: [deployer]
          max_duration: 1h
        - id: deployers-long
          when: {claims: {realm_access.roles: {contains: deployer}, amr: {contains: mfa}}}
          roles: [deployer]
          max_duration: 4h
        - id: readers
          when: {claims: {email: {glob: "*@example.com"}}}
          roles: [reader]
          secrets: [db]
        - id: office-network
          when: {source_ip: [10.0.0.0/8, "2001:db8::/32"]}
          roles: [office]
        - id: night-shift
          when: {time: {days: [mon, tue, wed, thu, fri], hours: "22:00-06:00", zone: Europe/Berlin}}
          roles: [night]
        - id: admins
          when: {any: [{claims: {level: 5}}, {claims: {department: {one_of: [sec, ops]}}}]}
          roles: [admin]
        - id: no-contractors
          effect: deny
          when: {claims: {email: {glob: "*@contractor.example"}}}
        - id: not-from-guest-wifi
          effect: deny
          when: {source_ip: [192.168.77.0/24]}
          roles: [office]
      """.formatted(CORP)));

  @Test
  void allow_carriesGrantWithTagsSourceIdentityAndCappedDuration() {
    Decision d = ENGINE.decide(input(Map.of("sub", "alice", "preferred_username", "alice",
        "groups", List.of("payments"), "realm_access", Map.of("roles", List.of("deployer")))),
        Target.role("deployer"));

    assertTrue(d.allowed(), d.reason());
    assertEquals(List.of("deployers"), d.ruleIds());
    RoleGrant g = d.roleGrant().orElseThrow();
    assertEquals(Duration.ofHours(1), g.maxDuration());
    assertEquals(Map.of("team", "payments", "owner", "alice", "env", "prod"), g.sessionTags());
    assertEquals(List.of("team"), g.role().transitiveTagKeys());
    assertEquals(Optional.of("alice"), g.sourceIdentity());
  }

  @Test
  void severalAllows_longestDurationWinsButNeverAboveTheRole() {
    Decision d = ENGINE.decide(input(Map.of("sub", "a", "preferred_username", "alice",
        "amr", List.of("pwd", "mfa"), "realm_access", Map.of("roles", List.of("deployer")))),
        Target.role("deployer"));

    assertEquals(List.of("deployers", "deployers-long"), d.ruleIds());
    assertEquals(Duration.ofHours(2), d.roleGrant().orElseThrow().maxDuration(), "role caps 4h at 2h");
  }

  @Test
  void denyBeatsAllow_andNamesTheDenyRule() {
    Decision d = ENGINE.decide(input(Map.of("email", "eve@contractor.example")),
        Target.role("reader"));
    assertFalse(d.allowed());
    assertEquals(List.of("no-contractors"), d.ruleIds());
    assertEquals("role 'reader' denied by rule no-contractors", d.reason());

    Decision secret = ENGINE.decide(input(Map.of("email", "x@contractor.example")), Target.secret("db"));
    assertFalse(secret.allowed(), "a deny rule listing no targets covers secrets too");
  }

  @Test
  void nothingMatches_defaultDenyWithTraceOfNearestRules() {
    Decision d = ENGINE.decide(input(Map.of("email", "bob@elsewhere.org")), Target.role("reader"));
    assertFalse(d.allowed());
    assertEquals("no rule allows role 'reader' for this caller", d.reason());
    RuleTrace readers = d.trace().stream().filter(t -> t.ruleId().equals("readers")).findFirst().orElseThrow();
    assertFalse(readers.matched());
    assertEquals("claim email fails glob [*@example.com]", readers.why());
  }

  @Test
  void unknownAlias_isDeniedLikeAnyOther() {
    Decision d = ENGINE.decide(input(Map.of("email", "a@example.com")), Target.role("nope"));
    assertFalse(d.allowed());
    assertEquals("no role 'nope' is configured", d.reason());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      exact domain               | alice@example.com        | true
      subdomain is not matched   | alice@mail.example.com.x | false
      star matches empty prefix  | @example.com             | true
      regex metachars literal    | a.b+c@example.com        | true
      case sensitive             | ALICE@EXAMPLE.COM        | false
      suffix must match          | alice@example.community  | false
      """)
  void globEdgeCases(String name, String email, boolean allowed) {
    assertEquals(allowed, ENGINE.decide(input(Map.of("email", email)), Target.role("reader")).allowed());
  }

  @Test
  void claimsOfTheWrongType_neverThrowAndDoNotMatch() {
    List<Map<String, Object>> odd = List.of(
        Map.of("email", List.of("a@example.com")),
        Map.of("email", Map.of("value", "a@example.com")),
        Map.of("email", 42L),
        Map.of("realm_access", "deployer"),
        Map.of("realm_access", Map.of("roles", "deployer")),
        Map.of("realm_access", List.of(Map.of("roles", List.of("deployer")))),
        Map.of("level", "5"),
        Map.of("department", List.of("sec")));
    for (Map<String, Object> claims : odd) {
      for (String role : List.of("reader", "deployer", "admin")) {
        assertFalse(ENGINE.decide(input(claims), Target.role(role)).allowed(), claims + " " + role);
      }
    }
    assertTrue(ENGINE.decide(input(Map.of("level", 5L)), Target.role("admin")).allowed());
    assertTrue(ENGINE.decide(input(Map.of("level", 5.0)), Target.role("admin")).allowed());
    assertTrue(ENGINE.decide(input(Map.of("department", "ops")), Target.role("admin")).allowed());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      v4 network start          | 10.0.0.0                 | true
      v4 network end            | 10.255.255.255           | true
      v4 just outside           | 11.0.0.0                 | false
      v4 below                  | 9.255.255.255            | false
      v4-mapped v6              | ::ffff:10.1.2.3          | true
      v6 inside                 | 2001:db8:ffff::1         | true
      v6 just outside           | 2001:db9::               | false
      v6 loopback               | ::1                      | false
      denied subnet wins        | 192.168.77.10            | false
      """)
  void sourceIpBoundaries(String name, String address, boolean allowed) throws Exception {
    PolicyInput in = new PolicyInput(CORP, Map.of(), Optional.of(InetAddress.getByName(address)),
        TUESDAY_NOON_UTC);
    assertEquals(allowed, ENGINE.decide(in, Target.role("office")).allowed());
  }

  @Test
  void unknownSourceAddress_doesNotMatchNetworkRules() {
    assertFalse(ENGINE.decide(new PolicyInput(CORP, Map.of(), Optional.empty(), TUESDAY_NOON_UTC),
        Target.role("office")).allowed());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      before start, Berlin 21:59 CET        | 2026-11-24T20:59:00Z | false
      at start, Berlin 22:00                | 2026-11-24T21:00:00Z | true
      after midnight same window, Wed 02:00 | 2026-11-25T01:00:00Z | true
      end is exclusive, Wed 06:00           | 2026-11-25T05:00:00Z | false
      Saturday 01:00 is not a weekday       | 2026-11-28T00:00:00Z | false
      Friday 23:30 is                       | 2026-11-27T22:30:00Z | true
      summer time CEST 22:30 = 20:30Z       | 2026-06-30T20:30:00Z | true
      summer time 21:30Z is 23:30 local     | 2026-06-30T21:30:00Z | true
      summer time 20:30Z in winter is 21:30 | 2026-11-24T20:30:00Z | false
      DST start night, Mon 30 Mar 02:30Z    | 2026-03-30T02:30:00Z | true
      DST end night, Mon 26 Oct 04:30Z      | 2026-10-26T04:30:00Z | true
      DST end night, Mon 26 Oct 05:30Z     | 2026-10-26T05:30:00Z | false
      """)
  void timeWindowAcrossMidnightAndDst(String name, String instant, boolean allowed) {
    PolicyInput in = new PolicyInput(CORP, Map.of(), Optional.empty(), Instant.parse(instant));
    assertEquals(allowed, ENGINE.decide(in, Target.role("night")).allowed(), name);
  }

  @Test
  void claimsBreakingAwsTagLimits_denyWithAReasonInsteadOfAFailingStsCall() {
    Map<String, Object> base = Map.of("preferred_username", "alice",
        "realm_access", Map.of("roles", List.of("deployer")));
    Decision tooLong = ENGINE.decide(input(with(base, "groups", List.of("g".repeat(257)))),
        Target.role("deployer"));
    assertFalse(tooLong.allowed());
    assertTrue(tooLong.reason().contains("session tag 'team' would be 257 characters; AWS allows 256"),
        tooLong.reason());

    Decision badChars = ENGINE.decide(input(with(base, "groups", List.of("a;b"))), Target.role("deployer"));
    assertTrue(badChars.reason().contains("characters AWS does not allow"), badChars.reason());

    Decision objectClaim = ENGINE.decide(input(with(base, "groups", List.of(Map.of("x", 1)))),
        Target.role("deployer"));
    assertTrue(objectClaim.reason().contains("is an object, not a single value"), objectClaim.reason());

    Decision badSourceIdentity = ENGINE.decide(input(with(with(base, "groups", List.of("p")),
        "preferred_username", "alice smith!")), Target.role("deployer"));
    assertTrue(badSourceIdentity.reason().contains("does not fit STS's pattern"), badSourceIdentity.reason());

    Decision missingTagClaim = ENGINE.decide(input(base), Target.role("deployer"));
    assertTrue(missingTagClaim.allowed(), "absent tag claims leave the tag out");
    assertFalse(missingTagClaim.roleGrant().orElseThrow().sessionTags().containsKey("team"));
  }

  @Test
  void entitlements_listsExactlyTheAllowedTargets() {
    List<Decision> all = ENGINE.entitlements(input(Map.of("email", "a@example.com", "level", 5L)));
    assertEquals(List.of("role 'admin'", "role 'reader'", "secret 'db'"),
        all.stream().map(d -> d.target().toString()).toList());
  }

  private static PolicyInput input(Map<String, Object> claims) {
    return new PolicyInput(CORP, claims, Optional.empty(), TUESDAY_NOON_UTC);
  }

  private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> out = new java.util.HashMap<>(base);
    out.put(key, value);
    return out;
  }

  static BrokerConfig config(String yaml) {
    try {
      return ConfigLoader.parse(yaml, "test", Path.of("."));
    } catch (dev.credbroker.core.config.ConfigException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
