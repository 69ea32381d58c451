package dev.credbroker.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.core.policy.PolicyLint;
import dev.credbroker.core.policy.RuleTrace;
import dev.credbroker.core.policy.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code credbroker policy explain | test | lint}: the broker's own policy engine, offline, for
 * policy authors and reviewers. Exit codes: 0 allowed / all cases pass / no findings; 1 denied /
 * a case failed / findings; 2 bad usage or an invalid config.
 */
final class PolicyCommand {
  static final int EXIT_NO = 1;

  private PolicyCommand() {}

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err)
      throws CliOptions.UsageException, IOException {
    if (args.isEmpty()) {
      throw new CliOptions.UsageException("policy needs explain, test or lint");
    }
    List<String> rest = args.subList(1, args.size());
    switch (args.get(0)) {
      case "explain":
        return explain(CliOptions.parse(rest, Set.of("config", "claims", "issuer", "source-ip",
            "at", "role", "secret"), Set.of(), Map.of()), out, err);
      case "test":
        return PolicyCases.run(rest, out, err);
      case "lint": {
        CliOptions o = CliOptions.parse(rest, Set.of("config"), Set.of(), Map.of());
        List<String> findings = PolicyLint.findings(load(o, err));
        findings.forEach(f -> out.println("warning: " + f));
        out.println(findings.isEmpty() ? "no findings" : findings.size() + " findings");
        return findings.isEmpty() ? CredbrokerCli.EXIT_OK : EXIT_NO;
      }
      default:
        throw new CliOptions.UsageException("unknown policy command '"
            + CliOptions.abbreviate(args.get(0)) + "'; use explain, test or lint");
    }
  }

  private static int explain(CliOptions o, PrintStream out, PrintStream err)
      throws CliOptions.UsageException, IOException {
    BrokerConfig config = load(o, err);
    Map<String, Object> claims = claims(o.path("claims").orElseThrow(
        () -> new CliOptions.UsageException("--claims FILE (a JSON object of token claims) is required")));
    PolicyInput in = input(config, claims, o.get("issuer"), o.get("source-ip"), o.get("at"));
    Target target = target(o.get("role"), o.get("secret"));
    Decision d = new PolicyEngine(config).decide(in, target);
    print(d, out);
    return d.allowed() ? CredbrokerCli.EXIT_OK : EXIT_NO;
  }

  static void print(Decision d, PrintStream out) {
    out.println((d.allowed() ? "ALLOW " : "DENY ") + d.target());
    out.println("reason: " + d.reason());
    d.roleGrant().ifPresent(g -> out.println("grant: max " + g.maxDuration().toMinutes()
        + "m, session tags " + g.sessionTags() + g.sourceIdentity().map(s -> ", source identity " + s)
        .orElse("")));
    if (!d.trace().isEmpty()) {
      out.println(d.allowed() ? "rules:" : "rules (nearest first: the allow rules that did not match, and why):");
      d.trace().stream()
          .sorted((a, b) -> Boolean.compare(a.matched(), b.matched()))
          .forEach(t -> out.println("  " + mark(t) + " " + t.ruleId() + " ("
              + t.effect().name().toLowerCase(java.util.Locale.ROOT) + "): " + t.why()));
    }
  }

  private static String mark(RuleTrace t) {
    return t.matched() ? "matched    " : "not matched";
  }

  static BrokerConfig load(CliOptions o, PrintStream err) throws CliOptions.UsageException {
    Path file = o.path("config").orElseThrow(
        () -> new CliOptions.UsageException("--config FILE is required"));
    try {
      return ConfigLoader.loadOffline(file); // a reviewer's machine need not hold the TLS files
    } catch (ConfigException e) {
      throw new CliOptions.UsageException("config error: " + e.getMessage());
    }
  }

  static Map<String, Object> claims(Path file) throws CliOptions.UsageException, IOException {
    try {
      return JSONObjectUtils.parse(Files.readString(file));
    } catch (java.text.ParseException e) {
      throw new CliOptions.UsageException(file + " is not a JSON object of claims");
    }
  }

  static PolicyInput input(BrokerConfig config, Map<String, Object> claims, Optional<String> issuer,
      Optional<String> sourceIp, Optional<String> at) throws CliOptions.UsageException {
    String iss = issuer.orElse(claims.get("iss") instanceof String s ? s
        : config.issuers().isEmpty() ? "" : config.issuers().get(0).issuer());
    Optional<InetAddress> source = Optional.empty();
    if (sourceIp.isPresent()) {
      if (!sourceIp.get().matches("[0-9A-Fa-f:.]{2,45}")) {
        throw new CliOptions.UsageException("--source-ip must be an IP address literal");
      }
      try {
        source = Optional.of(InetAddress.getByName(sourceIp.get()));
      } catch (IOException e) {
        throw new CliOptions.UsageException("--source-ip must be an IP address literal");
      }
    }
    Instant when;
    try {
      when = at.map(Instant::parse).orElse(Instant.now());
    } catch (DateTimeParseException e) {
      throw new CliOptions.UsageException("--at must be a UTC time such as 2026-11-24T22:30:00Z");
    }
    return new PolicyInput(iss, claims, source, when);
  }

  static Target target(Optional<String> role, Optional<String> secret)
      throws CliOptions.UsageException {
    if (role.isPresent() == secret.isPresent()) {
      throw new CliOptions.UsageException("give exactly one of --role R or --secret S");
    }
    return role.map(Target::role).orElseGet(() -> Target.secret(secret.get()));
  }
}
