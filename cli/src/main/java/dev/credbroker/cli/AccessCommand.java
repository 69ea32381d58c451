package dev.credbroker.cli;

import dev.credbroker.core.audit.AccessUsage;
import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.UsageDays;
import dev.credbroker.core.audit.UsageTally;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.policy.AccessReview;
import dev.credbroker.core.policy.Target;
import dev.credbroker.store.StoreUsage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code credbroker access review}: the periodic "remove unused access" job. Reads a window of
 * decisions, in whole UTC days ({@link UsageDays}), from the fleet store ({@code --store}, its
 * daily rollup summed by the database) or a trail ({@code --file}, read once), and the policy
 * ({@code --config}), and prints {@link AccessReview}'s report as a table or JSON. Exit 0 with a report, 2 for bad usage, 1 when the store cannot be
 * reached.
 */
final class AccessCommand {
  private static final Set<String> FORMATS = Set.of("table", "json");

  private AccessCommand() {}

  static int run(List<String> args, Map<String, String> env, PrintStream out, Clock clock)
      throws CliOptions.UsageException, IOException, dev.credbroker.store.StoreException {
    if (args.isEmpty() || !args.get(0).equals("review")) {
      throw new CliOptions.UsageException(args.isEmpty() ? "access needs review"
          : "unknown access command '" + CliOptions.abbreviate(args.get(0)) + "'; use review");
    }
    Set<String> valued = new HashSet<>(Set.of("since", "until", "file", "config", "format"));
    valued.addAll(StoreAccess.VALUED);
    CliOptions o = CliOptions.parse(args.subList(1, args.size()), valued, Set.of("store"), env);
    String format = o.get("format").orElse("table");
    if (!FORMATS.contains(format)) {
      throw new CliOptions.UsageException("--format is table or json");
    }
    Instant now = clock.instant();
    Instant since = AuditCommand.time(o, "since", now).orElse(now.minus(java.time.Duration
        .ofDays(90)));
    Instant until = AuditCommand.time(o, "until", now).orElse(now);
    if (!since.isBefore(until)) {
      throw new CliOptions.UsageException("--since must be before --until");
    }
    if (o.isSet("store") == o.get("file").isPresent()) {
      throw new CliOptions.UsageException("give --store (the fleet store) or --file (a broker's"
          + " live audit file), one of them");
    }
    UsageDays days = UsageDays.covering(since, until); // the store's rollup is per UTC day
    since = days.since();
    until = days.until();
    BrokerConfig config = PolicyCommand.load(o, System.err);
    List<AccessUsage> usages;
    if (o.isSet("store")) {
      try (java.sql.Connection c = StoreAccess.open(o)) {
        usages = StoreUsage.run(c, since, until);
      } catch (java.sql.SQLException e) {
        throw new dev.credbroker.store.StoreException("cannot close the audit store connection");
      }
    } else {
      Path file = o.path("file").get();
      List<Path> segments = AuditFiles.segments(file);
      if (segments.isEmpty()) {
        throw new java.nio.file.NoSuchFileException(file.toString());
      }
      usages = UsageTally.fromFiles(segments, since, until);
    }
    AccessReview.Report report = AccessReview.of(config, usages, since, until);
    if (format.equals("json")) {
      out.println(JsonOutput.pretty(json(report)));
    } else {
      table(report, out);
    }
    return CredbrokerCli.EXIT_OK;
  }

  private static void table(AccessReview.Report r, PrintStream out) {
    out.println("access review " + r.since() + " to " + r.until());
    out.println();
    out.println("USED: allowed requests per role and secret");
    List<String[]> rows = new ArrayList<>();
    r.used().forEach(t -> t.uses().forEach(u -> rows.add(new String[] {name(t.target()),
        u.identity().issuer(), u.identity().subject(), u.identity().clientId(),
        Long.toString(u.requests()), u.last().toString()})));
    Table.print(out, List.of("TARGET", "ISSUER", "SUBJECT", "CLIENT ID", "REQUESTS", "LAST"),
        rows);
    out.println();
    out.println("UNUSED GRANTS: what an allow rule grants and nobody was allowed through it");
    Table.print(out, List.of("RULE", "TARGET"), r.unusedGrants().stream()
        .map(g -> new String[] {g.ruleId(), name(g.target())}).toList());
    out.println();
    out.println("RULES THAT MATCHED NO REQUEST");
    Table.print(out, List.of("RULE", "EFFECT"), r.unmatchedRules().stream()
        .map(g -> new String[] {g.id(), g.effect().name().toLowerCase(Locale.ROOT)}).toList());
    out.println();
    out.println("IDLE ENTITLEMENTS: identities seen that may have these and never asked for them"
        + " (policy evaluated with the recorded claims only)");
    Table.print(out, List.of("ISSUER", "SUBJECT", "CLIENT ID", "LAST SEEN", "UNUSED"),
        r.idle().stream().map(i -> new String[] {i.identity().issuer(), i.identity().subject(),
            i.identity().clientId(), i.lastSeen().toString(),
            String.join(", ", i.unused().stream().map(AccessCommand::name).toList())}).toList());
  }

  private static Map<String, Object> json(AccessReview.Report r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("since", r.since().toString());
    out.put("until", r.until().toString());
    out.put("used", r.used().stream().map(t -> {
      Map<String, Object> m = target(t.target());
      m.put("identities", t.uses().stream().map(u -> {
        Map<String, Object> i = identity(u.identity());
        i.put("requests", u.requests());
        i.put("last", u.last().toString());
        return i;
      }).toList());
      return m;
    }).toList());
    out.put("unused_grants", r.unusedGrants().stream().map(g -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rule_id", g.ruleId());
      m.putAll(target(g.target()));
      return m;
    }).toList());
    out.put("unmatched_rules", r.unmatchedRules().stream().map(rule -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rule_id", rule.id());
      m.put("effect", rule.effect().name().toLowerCase(Locale.ROOT));
      return m;
    }).toList());
    out.put("idle_entitlements", r.idle().stream().map(i -> {
      Map<String, Object> m = identity(i.identity());
      m.put("last_seen", i.lastSeen().toString());
      m.put("unused", i.unused().stream().map(AccessCommand::target).toList());
      return m;
    }).toList());
    return out;
  }

  private static Map<String, Object> identity(AccessReview.Identity who) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", who.issuer());
    m.put("subject", who.subject());
    m.put("client_id", who.clientId());
    return m;
  }

  private static Map<String, Object> target(Target t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(t.kind() == Target.Kind.ROLE ? "role" : "secret", t.alias());
    return m;
  }

  private static String name(Target t) {
    return (t.kind() == Target.Kind.ROLE ? "role " : "secret ") + t.alias();
  }
}
