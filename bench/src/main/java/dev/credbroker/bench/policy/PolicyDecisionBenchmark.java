package dev.credbroker.bench.policy;

import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.core.policy.RuleTrace;
import dev.credbroker.core.policy.Target;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Policy decisions per second for a large, realistic config (issue 4): 100 roles, 50 secrets
 * and 500 rules, generated in {@link #setUp()} as YAML and loaded through
 * {@link ConfigLoader#parse}, exactly as the broker would read them. Twenty teams each get five
 * roles (dev, staging, prod, readonly, admin; all with session tags from claims and a source
 * identity) and two secrets, covered by twenty allow and deny rules per team; ten shared secrets,
 * a few global deny rules (covering every target) and seeded-random project rules make up the
 * rest. Conditions mix claim tests ({@code contains} on {@code groups} and the nested
 * {@code realm_access.roles}, {@code glob} on {@code email}, {@code one_of} on
 * {@code department}), {@code source_ip} CIDRs, a few time windows and {@code any}/{@code all}/
 * {@code not} combinators. The caller is a Keycloak-like access token's claim map (10 groups,
 * 8 realm roles, department, amr) from an office address on a Tuesday morning.
 *
 * <ul>
 *   <li>{@code decideAllowedRole}: a role three of its 14 covering rules allow; includes
 *       building the grant (duration, session tags, source identity).
 *   <li>{@code decideDeniedRole}: a role nothing allows, denied by default after all 11 rules
 *       covering it (its team's rules, the global denies) were evaluated and failed.
 *   <li>{@code entitlements}: every role and secret for this caller, i.e. 150 decisions of
 *       which 23 allow ({@code ListEntitlements}).
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PolicyDecision}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PolicyDecisionBenchmark {
  private static final String CORP = "https://idp.example.com/realms/corp";
  /** Tuesday 10:00 in Berlin: inside business-hours windows, outside maintenance windows. */
  private static final Instant TUESDAY_MORNING = Instant.parse("2026-11-24T09:00:00Z");
  private static final int TEAMS = 20;
  private static final int SHARED_SECRETS = 10;
  private static final int RULES = 500;
  private static final String[] ENVS = {"dev", "staging", "prod", "readonly", "admin"};
  private static final String[] DEPARTMENTS = {"finance", "sales", "marketing", "engineering",
      "support", "legal", "hr", "operations"};

  private PolicyEngine engine;
  private PolicyInput caller;
  private Target allowedRole;
  private Target deniedRole;

  @Setup
  public void setUp() throws Exception {
    BrokerConfig config = ConfigLoader.parse(yaml(), "bench", Path.of("."));
    if (config.roles().size() != ENVS.length * TEAMS
        || config.secrets().size() != 2 * TEAMS + SHARED_SECRETS
        || config.rules().size() != RULES) {
      throw new IllegalStateException("generated " + config.roles().size() + " roles, "
          + config.secrets().size() + " secrets, " + config.rules().size() + " rules");
    }
    engine = new PolicyEngine(config);
    caller = new PolicyInput(CORP, claims(), java.util.Optional.of(
        InetAddress.getByName("10.20.30.40")), TUESDAY_MORNING);
    allowedRole = Target.role("team-03-prod");
    deniedRole = Target.role("team-15-admin");

    Decision allowed = engine.decide(caller, allowedRole);
    if (!allowed.allowed() || allowed.roleGrant().isEmpty()
        || allowed.roleGrant().get().sessionTags().size() < 3) {
      throw new IllegalStateException("expected " + allowedRole + " allowed with a grant: "
          + allowed.reason());
    }
    Decision denied = engine.decide(caller, deniedRole);
    if (denied.allowed() || !denied.ruleIds().isEmpty()
        || denied.trace().stream().anyMatch(RuleTrace::matched)) {
      throw new IllegalStateException("expected " + deniedRole + " denied by default: "
          + denied.reason());
    }
    List<Decision> all = engine.entitlements(caller);
    if (all.isEmpty() || !all.stream().allMatch(Decision::allowed)) {
      throw new IllegalStateException("expected some entitlements, got " + all.size());
    }
  }

  @Benchmark
  public Decision decideAllowedRole() {
    return engine.decide(caller, allowedRole);
  }

  @Benchmark
  public Decision decideDeniedRole() {
    return engine.decide(caller, deniedRole);
  }

  @Benchmark
  public List<Decision> entitlements() {
    return engine.entitlements(caller);
  }

  /** A Keycloak access token's claims for a developer on teams 03 and 07. */
  static Map<String, Object> claims() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("exp", 1795510800L);
    c.put("iat", 1795507200L);
    c.put("auth_time", 1795507190L);
    c.put("jti", "6c1f8a0e-5f7b-4a52-9d0b-2f4b1c9e7a31");
    c.put("iss", CORP);
    c.put("aud", List.of("broker", "account"));
    c.put("sub", "f3b2c1d4-8e9a-4b7c-a6d5-0e1f2a3b4c5d");
    c.put("typ", "Bearer");
    c.put("azp", "broker-cli");
    c.put("sid", "0b5e7c9a-1d2f-4e3a-8b6c-7d9e0f1a2b3c");
    c.put("acr", "1");
    c.put("amr", List.of("pwd", "otp"));
    c.put("realm_access", Map.of("roles", List.of("default-roles-corp", "offline_access",
        "uma_authorization", "team-03-developer", "team-03-deployer", "team-07-developer",
        "shared-reader", "employee")));
    c.put("resource_access", Map.of("account", Map.of("roles",
        List.of("manage-account", "view-profile"))));
    c.put("scope", "openid email profile");
    c.put("email_verified", true);
    c.put("name", "Alice Schmidt");
    c.put("preferred_username", "alice.schmidt");
    c.put("given_name", "Alice");
    c.put("family_name", "Schmidt");
    c.put("email", "alice.schmidt@example.com");
    c.put("department", "engineering");
    c.put("groups", List.of("team-03", "team-07", "engineering", "all-staff", "vpn-users",
        "github-users", "jira-users", "confluence-users", "aws-users", "team-03-oncall"));
    return c;
  }

  /** 100 roles, 50 secrets, exactly {@value #RULES} rules; deterministic. */
  static String yaml() {
    StringBuilder y = new StringBuilder("server: {listen: 127.0.0.1:0}\nroles:\n");
    String[] maxDurations = {"4h", "2h", "1h", "8h", "1h"};
    for (int t = 0; t < TEAMS; t++) {
      for (int e = 0; e < ENVS.length; e++) {
        String alias = team(t) + "-" + ENVS[e];
        y.append("  ").append(alias).append(":\n")
            .append("    arn: arn:aws:iam::").append(100000000000L + 1111 * t).append(":role/")
            .append(alias).append('\n')
            .append("    max_duration: ").append(maxDurations[e]).append('\n')
            .append("    session_tags: {team: \"$.groups[0]\", owner: \"$.sub\","
                + " department: \"$.department\", cost_center: \"$.cost_center\", env: ")
            .append(ENVS[e]).append("}\n")
            .append("    transitive_tag_keys: [team, department]\n")
            .append("    source_identity: \"$.preferred_username\"\n");
      }
    }
    y.append("secrets:\n");
    for (int t = 0; t < TEAMS; t++) {
      y.append("  ").append(team(t)).append("-db: {id: teams/").append(team(t))
          .append("/db, cache_ttl: 5m}\n");
      y.append("  ").append(team(t)).append("-api: {id: teams/").append(team(t))
          .append("/api-key}\n");
    }
    for (int s = 0; s < SHARED_SECRETS; s++) {
      y.append("  shared-").append(two(s)).append(": {id: \"arn:aws:secretsmanager:eu-central-1:"
          + "123456789012:secret:shared/").append(two(s)).append("-AbCdEf\"}\n");
    }
    List<String> rules = new ArrayList<>();
    for (int t = 0; t < TEAMS; t++) {
      teamRules(rules, t);
    }
    globalRules(rules);
    projectRules(rules, RULES - rules.size());
    y.append("rules:\n");
    for (String r : rules) {
      y.append("  - ").append(r).append('\n');
    }
    return y.toString();
  }

  /** Twenty rules per team: fourteen allow, six deny. */
  private static void teamRules(List<String> out, int t) {
    String tm = team(t);
    String dept = DEPARTMENTS[t % DEPARTMENTS.length];
    String office = "source_ip: [10.0.0.0/8, \"2001:db8::/32\"]";
    out.add(allow(tm + "-members-dev", "{claims: {groups: {contains: " + tm + "}}}",
        "[" + tm + "-dev, " + tm + "-staging]", "[" + tm + "-db]", null));
    out.add(allow(tm + "-developers-dev", "{issuer: \"" + CORP + "\", claims: {realm_access.roles:"
        + " {contains: " + tm + "-developer}}}", "[" + tm + "-dev]", null, "4h"));
    out.add(allow(tm + "-department-staging", "{claims: {department: {one_of: [" + dept
        + ", platform]}, email: {glob: \"*@example.com\"}}}", "[" + tm + "-staging]", null, null));
    out.add(allow(tm + "-prod-deployers", "{claims: {realm_access.roles: {contains: " + tm
        + "-deployer}, amr: {contains: otp}}, " + office + "}", "[" + tm + "-prod]", null, "1h"));
    // A few time windows: every fourth team deploys longer sessions only in business hours.
    String second = t % 4 == 3
        ? "{time: {days: [mon, tue, wed, thu, fri], hours: \"07:00-20:00\", zone: Europe/Berlin}}"
        : "{claims: {acr: {one_of: [\"1\", \"2\"]}, email_verified: true}}";
    out.add(allow(tm + "-prod-deployers-long", "{all: [{claims: {realm_access.roles: {contains: "
        + tm + "-deployer}}}, " + second + "]}", "[" + tm + "-prod]", null, "2h"));
    out.add(allow(tm + "-oncall", "{any: [{claims: {groups: {contains: " + tm + "-oncall}}},"
        + " {claims: {realm_access.roles: {contains: sre}}}]}",
        "[" + tm + "-prod, " + tm + "-readonly]", null, "1h"));
    out.add(allow(tm + "-staff-readonly", "{claims: {email: {glob: \"*@example.com\"}, department:"
        + " {one_of: [" + dept + ", security]}}}", "[" + tm + "-readonly]", null, null));
    out.add(allow(tm + "-auditors-readonly", "{claims: {groups: {contains: auditors}}}",
        "[" + tm + "-readonly]", null, null));
    out.add(allow(tm + "-leads-admin", "{claims: {realm_access.roles: {contains: " + tm
        + "-lead}, amr: {contains: otp}}, not: {claims: {email: {glob: \"*@contractor.example\"}}}}",
        "[" + tm + "-admin]", null, "1h"));
    out.add(allow(tm + "-breakglass-admin", "{claims: {groups: {contains: breakglass}},"
        + " source_ip: [10.99.0.0/16]}", "[" + tm + "-admin]", null, "15m"));
    out.add(allow(tm + "-db-services", "{any: [{claims: {groups: {contains: " + tm + "}}},"
        + " {claims: {azp: {one_of: [" + tm + "-svc, " + tm + "-batch]}}}]}", null,
        "[" + tm + "-db]", null));
    out.add(allow(tm + "-api-developers", "{claims: {realm_access.roles: {contains: " + tm
        + "-developer}}, source_ip: [10.0.0.0/8]}", null, "[" + tm + "-api]", null));
    out.add(allow(tm + "-ci-secrets", "{claims: {preferred_username: {glob: \"service-account-"
        + tm + "-*\"}}}", "[" + tm + "-dev]", "[" + tm + "-api, " + tm + "-db]", null));
    out.add(allow(tm + "-ci-deploy", "{claims: {preferred_username: {glob: \"service-account-"
        + tm + "-deploy*\"}, azp: " + tm + "-ci}}", "[" + tm + "-staging, " + tm + "-prod]", null,
        "30m"));
    out.add(deny(tm + "-prod-off-network", "{not: {source_ip: [10.0.0.0/8, 172.16.0.0/12,"
        + " \"2001:db8::/32\"]}}", "[" + tm + "-prod, " + tm + "-admin]", null));
    out.add(deny(tm + "-admin-without-mfa", "{not: {claims: {amr: {contains: otp}}}}",
        "[" + tm + "-admin]", null));
    out.add(deny(tm + "-secrets-contractors", "{claims: {email: {glob: \"*@*contractor*\"}}}",
        null, "[" + tm + "-db, " + tm + "-api]"));
    out.add(deny(tm + "-prod-interns", "{claims: {groups: {contains: interns}}}",
        "[" + tm + "-prod]", null));
    out.add(deny(tm + "-db-externals", "{claims: {groups: {contains: " + tm + "-external}},"
        + " not: {claims: {department: {one_of: [" + dept + ", security]}}}}", null,
        "[" + tm + "-db]"));
    out.add(deny(tm + "-suspended", "{claims: {realm_access.roles: {contains: suspended}}}",
        "[" + tm + "-dev, " + tm + "-staging]", null));
  }

  /** Denies covering everything, one covering all roles, two rules per shared secret. */
  private static void globalRules(List<String> out) {
    out.add(deny("no-contractors", "{claims: {email: {glob: \"*@contractor.example\"}}}", null,
        null));
    out.add(deny("disabled-accounts", "{claims: {account_status: disabled}}", null, null));
    out.add(deny("blocked-networks", "{source_ip: [192.168.77.0/24, 203.0.113.0/24,"
        + " \"2001:db8:bad::/48\"]}", null, null));
    out.add(deny("no-guests", "{claims: {groups: {contains: guests}}}", null, null));
    out.add(deny("unverified-email", "{claims: {email_verified: false}}", null, null));
    out.add(deny("maintenance-window", "{time: {days: [sun], hours: \"02:00-04:00\", zone: UTC}}",
        null, null));
    out.add(deny("roles-need-mfa-or-office", "{not: {any: [{claims: {amr: {contains: otp}}},"
        + " {claims: {amr: {contains: hwk}}}, {source_ip: [10.0.0.0/8]}]}}", "[\"*\"]", null));
    for (int s = 0; s < SHARED_SECRETS; s++) {
      String alias = "shared-" + two(s);
      out.add(allow(alias + "-readers", s % 2 == 0
          ? "{claims: {email: {glob: \"*@example.com\"}, department: {one_of: [engineering,"
              + " operations]}}}"
          : "{claims: {groups: {contains: platform}}}", null, "[" + alias + "]", null));
      out.add(allow(alias + "-realm", "{claims: {realm_access.roles: {contains: shared-reader},"
          + " amr: {contains: otp}}, " + (s < 2 ? "time: {days: [mon, tue, wed, thu, fri],"
          + " hours: \"06:00-22:00\", zone: America/New_York}" : "source_ip: [10.0.0.0/8]") + "}",
          null, "[" + alias + "]", null));
    }
  }

  /** Cross-team project rules: random targets, conditions on claims this caller lacks. */
  private static void projectRules(List<String> out, int count) {
    Random random = new Random(4);
    for (int i = 0; i < count; i++) {
      String id = "project-" + String.format("%03d", i);
      List<String> roles = new ArrayList<>();
      for (int n = 1 + random.nextInt(3); roles.size() < n; ) {
        String r = team(random.nextInt(TEAMS)) + "-" + ENVS[random.nextInt(ENVS.length)];
        if (!roles.contains(r)) {
          roles.add(r);
        }
      }
      String secrets = random.nextInt(3) == 0
          ? "[" + team(random.nextInt(TEAMS)) + (random.nextBoolean() ? "-db]" : "-api]") : null;
      String when = switch (random.nextInt(5)) {
        case 0 -> "{claims: {groups: {contains: " + id + "}}}";
        case 1 -> "{claims: {realm_access.roles: {contains: " + id + "-member}, amr: {contains:"
            + " otp}}}";
        case 2 -> "{claims: {email: {glob: \"*@partner-" + random.nextInt(9) + ".example\"}},"
            + " source_ip: [\"10." + random.nextInt(256) + ".0.0/16\"]}";
        case 3 -> "{any: [{claims: {groups: {contains: " + id + "}}}, {claims: {department:"
            + " {one_of: [" + id + ", " + DEPARTMENTS[random.nextInt(DEPARTMENTS.length)]
            + "]}, groups: {contains: " + id + "-guests}}}]}";
        default -> "{all: [{claims: {groups: {contains: " + id + "}}}, {not: {claims: {email:"
            + " {glob: \"*@contractor.example\"}}}}]}";
      };
      String rolesList = String.join(", ", roles);
      out.add(random.nextInt(4) == 0 ? deny(id, when, "[" + rolesList + "]", secrets)
          : allow(id, when, "[" + rolesList + "]", secrets, random.nextBoolean() ? "1h" : null));
    }
  }

  private static String allow(String id, String when, String roles, String secrets, String max) {
    return "{id: " + id + targets(roles, secrets) + ", when: " + when
        + (max == null ? "" : ", max_duration: " + max) + "}";
  }

  private static String deny(String id, String when, String roles, String secrets) {
    return "{id: " + id + ", effect: deny" + targets(roles, secrets) + ", when: " + when + "}";
  }

  private static String targets(String roles, String secrets) {
    return (roles == null ? "" : ", roles: " + roles) + (secrets == null ? "" : ", secrets: "
        + secrets);
  }

  private static String team(int t) {
    return "team-" + two(t);
  }

  private static String two(int n) {
    return String.format("%02d", n);
  }
}
