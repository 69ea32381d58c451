package dev.credbroker.core.policy;

import dev.credbroker.core.config.ConditionSpec;
import dev.credbroker.core.model.Cidr;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates {@link ConditionSpec}s. Total: every input yields an outcome, claims of an unexpected
 * type simply do not match, and nothing here throws or does I/O.
 */
final class Conditions {
  private Conditions() {}

  static Outcome evaluate(ConditionSpec spec, PolicyInput in) {
    if (spec instanceof ConditionSpec.All all) {
      for (ConditionSpec c : all.conditions()) {
        Outcome o = evaluate(c, in);
        if (!o.holds()) {
          return o;
        }
      }
      return Outcome.of(true, () -> all.conditions().isEmpty() ? "no condition" : "all conditions hold");
    }
    if (spec instanceof ConditionSpec.Any any) {
      java.util.List<Outcome> failed = new java.util.ArrayList<>(any.conditions().size());
      for (ConditionSpec c : any.conditions()) {
        Outcome o = evaluate(c, in);
        if (o.holds()) {
          return o;
        }
        failed.add(o);
      }
      return Outcome.of(false, () -> "none of: " + String.join("; ",
          failed.stream().map(Outcome::why).toList()));
    }
    if (spec instanceof ConditionSpec.Not not) {
      Outcome o = evaluate(not.condition(), in);
      return Outcome.of(!o.holds(), () -> "not (" + o.why() + ")");
    }
    if (spec instanceof ConditionSpec.Issuer issuer) {
      return Outcome.of(issuer.issuers().contains(in.issuer()), () -> "issuer is " + in.issuer(),
          () -> "issuer " + in.issuer() + " is not " + issuer.issuers());
    }
    if (spec instanceof ConditionSpec.Claim claim) {
      return claim(claim, in);
    }
    if (spec instanceof ConditionSpec.SourceIp ip) {
      if (in.source().isEmpty()) {
        return Outcome.of(false, () -> "source address unknown");
      }
      for (Cidr network : ip.networks()) {
        if (network.contains(in.source().get())) {
          return Outcome.of(true, () -> "source address in " + network);
        }
      }
      return Outcome.of(false, () -> "source address " + in.source().get().getHostAddress()
          + " not in " + ip.networks());
    }
    if (spec instanceof ConditionSpec.TimeWindow window) {
      return time(window, in);
    }
    return Outcome.of(false, () -> "unknown condition");
  }

  private static Outcome claim(ConditionSpec.Claim c, PolicyInput in) {
    Optional<Object> value = c.path().lookup(in.claims());
    Object name = c.path(); // prefixed "claim " in the words below
    switch (c.test()) {
      case EXISTS:
        return Outcome.of(value.isPresent(), () -> "claim " + name + " exists",
            () -> "claim " + name + " is absent");
      case ABSENT:
        return Outcome.of(value.isEmpty(), () -> "claim " + name + " is absent",
            () -> "claim " + name + " exists");
      default:
        break;
    }
    if (value.isEmpty()) {
      return Outcome.of(false, () -> "claim " + name + " is absent");
    }
    Object v = value.get();
    boolean holds = switch (c.test()) {
      case EQUALS -> scalarEquals(v, c.operands().get(0));
      case ONE_OF -> c.operands().stream().anyMatch(o -> scalarEquals(v, o));
      case GLOB -> v instanceof String s && Glob.matches((String) c.operands().get(0), s);
      case CONTAINS -> v instanceof List<?> list
          && list.stream().anyMatch(e -> scalarEquals(e, c.operands().get(0)));
      default -> false;
    };
    return Outcome.of(holds,
        () -> "claim " + name + " " + testName(c) + " " + c.operands(),
        () -> "claim " + name + " fails " + testName(c) + " " + c.operands() + describe(v));
  }

  private static String testName(ConditionSpec.Claim c) {
    return c.test().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String describe(Object v) {
    if (v instanceof Map<?, ?>) {
      return " (it is an object)";
    }
    if (v instanceof List<?> l) {
      return " (it is a list of " + l.size() + ")";
    }
    return "";
  }

  static boolean scalarEquals(Object claim, Object operand) {
    if (claim instanceof Number a && operand instanceof Number b) {
      return a instanceof Long && b instanceof Long ? a.longValue() == b.longValue()
          : Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }
    if (claim instanceof String || claim instanceof Boolean) {
      return claim.equals(operand);
    }
    return false;
  }

  private static Outcome time(ConditionSpec.TimeWindow w, PolicyInput in) {
    ZonedDateTime local = in.at().atZone(w.zone());
    LocalTime t = local.toLocalTime();
    boolean inHours = w.from().isBefore(w.to()) || w.from().equals(w.to())
        ? !t.isBefore(w.from()) && (t.isBefore(w.to()) || w.to().equals(LocalTime.MAX))
        : !t.isBefore(w.from()) || t.isBefore(w.to());
    boolean onDay = w.days().contains(local.getDayOfWeek());
    return Outcome.of(onDay && inHours, () -> "time " + local + " inside the window",
        () -> "time " + local.toLocalDateTime() + " " + w.zone() + " outside " + w.days() + " "
            + w.from() + "-" + (w.to().equals(LocalTime.MAX) ? "24:00" : w.to()));
  }
}
