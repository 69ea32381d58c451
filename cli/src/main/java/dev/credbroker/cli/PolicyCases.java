package dev.credbroker.cli;

import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.PolicyEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * {@code credbroker policy test --config FILE CASES.yaml}: expected decisions, checked like unit
 * tests, so a policy change can be gated in CI. Each case names claims (and optionally issuer,
 * source_ip, at), one role or secret, the expected {@code allow}/{@code deny} and optionally the
 * rule ids that must decide it.
 */
final class PolicyCases {
  private PolicyCases() {}

  static int run(List<String> args, PrintStream out, PrintStream err)
      throws CliOptions.UsageException, IOException {
    List<String> flags = args.isEmpty() ? args : args.subList(0, args.size() - 1);
    if (args.isEmpty() || args.get(args.size() - 1).startsWith("--")) {
      throw new CliOptions.UsageException("policy test needs a cases file: policy test --config FILE CASES.yaml");
    }
    CliOptions o = CliOptions.parse(flags, Set.of("config"), Set.of(), Map.of());
    BrokerConfig config = PolicyCommand.load(o, err);
    PolicyEngine engine = new PolicyEngine(config);
    Path file = Path.of(args.get(args.size() - 1));
    List<?> cases = cases(file);
    int failed = 0;
    for (int i = 0; i < cases.size(); i++) {
      if (!(cases.get(i) instanceof Map<?, ?> c)) {
        throw new CliOptions.UsageException(file + ": cases[" + i + "] is not a mapping");
      }
      String name = c.get("name") instanceof String s ? s : "cases[" + i + "]";
      Decision d = engine.decide(PolicyCommand.input(config, claims(c, name),
              text(c, "issuer"), text(c, "source_ip"), text(c, "at")),
          PolicyCommand.target(text(c, "role"), text(c, "secret")));
      String expect = text(c, "expect").orElseThrow(
          () -> new CliOptions.UsageException(name + ": expect: allow or deny is required"));
      boolean ok = expect.equals(d.allowed() ? "allow" : "deny");
      if (ok && c.get("rules") instanceof List<?> rules) {
        ok = rules.stream().map(String::valueOf).sorted().toList().equals(d.ruleIds());
      }
      out.println((ok ? "PASS " : "FAIL ") + name + (ok ? "" : ": expected " + expect
          + (c.get("rules") != null ? " by " + c.get("rules") : "") + ", got " + d.reason()));
      failed += ok ? 0 : 1;
    }
    out.println((cases.size() - failed) + " passed, " + failed + " failed");
    return failed == 0 ? CredbrokerCli.EXIT_OK : PolicyCommand.EXIT_NO;
  }

  private static List<?> cases(Path file) throws CliOptions.UsageException, IOException {
    Object doc;
    try {
      doc = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build())
          .loadFromString(Files.readString(file));
    } catch (YamlEngineException e) {
      throw new CliOptions.UsageException(file + " is not valid YAML");
    }
    if (!(doc instanceof Map<?, ?> m) || !(m.get("cases") instanceof List<?> list)) {
      throw new CliOptions.UsageException(file + " needs a top-level 'cases:' list");
    }
    return list;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> claims(Map<?, ?> c, String name) throws CliOptions.UsageException {
    if (!(c.get("claims") instanceof Map<?, ?> claims)) {
      throw new CliOptions.UsageException(name + ": claims: {...} is required");
    }
    return (Map<String, Object>) claims;
  }

  private static Optional<String> text(Map<?, ?> c, String key) {
    return Optional.ofNullable(c.get(key)).map(String::valueOf);
  }
}
