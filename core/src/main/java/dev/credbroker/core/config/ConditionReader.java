package dev.credbroker.core.config;

import dev.credbroker.core.model.Cidr;
import dev.credbroker.core.model.ClaimPath;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads a rule's {@code when} mapping into a {@link ConditionSpec}; keys in one mapping are ANDed. */
final class ConditionReader {
  static final int MAX_DEPTH = 16;
  static final int MAX_GLOB = 256;

  private ConditionReader() {}

  static ConditionSpec read(ConfigNode n, int depth) throws ConfigException {
    if (depth > MAX_DEPTH) {
      throw new ConfigException(n.path(), "conditions nested deeper than " + MAX_DEPTH);
    }
    List<ConditionSpec> parts = new ArrayList<>();
    List<String> issuers = n.stringList("issuer");
    if (!issuers.isEmpty()) {
      parts.add(new ConditionSpec.Issuer(new LinkedHashSet<>(issuers)));
    }
    ConfigNode claims = n.mapping("claims");
    for (String path : claims.keys()) {
      parts.addAll(claim(claims, path));
    }
    List<String> networks = n.stringList("source_ip");
    if (!networks.isEmpty()) {
      List<Cidr> cidrs = new ArrayList<>();
      for (int i = 0; i < networks.size(); i++) {
        try {
          cidrs.add(Cidr.parse(networks.get(i)));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(n.pathOf("source_ip") + "[" + i + "]", e.getMessage());
        }
      }
      parts.add(new ConditionSpec.SourceIp(cidrs));
    }
    if (n.has("time")) {
      parts.add(time(n.mapping("time")));
    }
    for (String combinator : List.of("all", "any")) {
      if (n.has(combinator)) {
        List<ConditionSpec> children = new ArrayList<>();
        for (ConfigNode child : n.mappingList(combinator)) {
          children.add(read(child, depth + 1));
        }
        parts.add("all".equals(combinator) ? new ConditionSpec.All(children)
            : new ConditionSpec.Any(children));
      }
    }
    if (n.has("not")) {
      parts.add(new ConditionSpec.Not(read(n.mapping("not"), depth + 1)));
    }
    n.rejectUnknownKeys();
    return parts.size() == 1 ? parts.get(0) : new ConditionSpec.All(parts);
  }

  private static List<ConditionSpec> claim(ConfigNode claims, String pathText)
      throws ConfigException {
    ClaimPath path;
    try {
      path = ClaimPath.parse(pathText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(claims.pathOf(pathText), e.getMessage());
    }
    Object value = claims.value(pathText);
    if (!(value instanceof Map<?, ?>)) {
      return List.of(new ConditionSpec.Claim(path, ConditionSpec.ClaimTest.EQUALS,
          List.of(scalar(claims.pathOf(pathText), value))));
    }
    ConfigNode tests = claims.child(claims.pathOf(pathText), value);
    List<ConditionSpec> out = new ArrayList<>();
    for (String name : tests.keys()) {
      String at = tests.pathOf(name);
      Object operand = tests.value(name);
      ConditionSpec.ClaimTest test = switch (name) {
        case "equals" -> ConditionSpec.ClaimTest.EQUALS;
        case "one_of" -> ConditionSpec.ClaimTest.ONE_OF;
        case "glob" -> ConditionSpec.ClaimTest.GLOB;
        case "contains" -> ConditionSpec.ClaimTest.CONTAINS;
        case "exists" -> ConditionSpec.ClaimTest.EXISTS;
        case "absent" -> ConditionSpec.ClaimTest.ABSENT;
        default -> throw new ConfigException(at, "unknown claim test; use equals, one_of, glob,"
            + " contains, exists or absent");
      };
      List<Object> operands = new ArrayList<>();
      switch (test) {
        case ONE_OF -> {
          if (!(operand instanceof List<?> list) || list.isEmpty()) {
            throw new ConfigException(at, "expected a non-empty list, e.g. one_of: [a, b]");
          }
          for (Object o : list) {
            operands.add(scalar(at, o));
          }
        }
        case EXISTS, ABSENT -> {
          if (!Boolean.TRUE.equals(operand)) {
            throw new ConfigException(at, "write " + name + ": true");
          }
        }
        case GLOB -> {
          if (!(operand instanceof String s) || s.length() > MAX_GLOB) {
            throw new ConfigException(at, "expected a pattern of at most " + MAX_GLOB
                + " characters, e.g. glob: \"*@example.com\"");
          }
          operands.add(s);
        }
        default -> operands.add(scalar(at, operand));
      }
      out.add(new ConditionSpec.Claim(path, test, operands));
    }
    if (out.isEmpty()) {
      throw new ConfigException(claims.pathOf(pathText), "no test given; e.g. {contains: admins}");
    }
    return out;
  }

  private static Object scalar(String at, Object value) throws ConfigException {
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      return n instanceof Double || n instanceof Float ? n.doubleValue() : n.longValue();
    }
    throw new ConfigException(at, "expected a single value (text, number or boolean)");
  }

  private static ConditionSpec.TimeWindow time(ConfigNode n) throws ConfigException {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    List<String> dayNames = n.stringList("days");
    for (int i = 0; i < dayNames.size(); i++) {
      days.add(day(n.pathOf("days") + "[" + i + "]", dayNames.get(i)));
    }
    if (days.isEmpty()) {
      days = EnumSet.allOf(DayOfWeek.class);
    }
    String hours = n.string("hours").orElse("00:00-24:00");
    String[] range = hours.split("-");
    LocalTime from;
    LocalTime to;
    try {
      if (range.length != 2) {
        throw new DateTimeParseException("range", hours, 0);
      }
      from = LocalTime.parse(range[0].strip());
      to = "24:00".equals(range[1].strip()) ? LocalTime.MAX : LocalTime.parse(range[1].strip());
    } catch (DateTimeParseException e) {
      throw new ConfigException(n.pathOf("hours"), "expected HH:MM-HH:MM such as 08:00-18:00"
          + " (22:00-06:00 wraps past midnight), got " + ConfigNode.quote(hours));
    }
    String zoneText = n.requiredString("zone", "Europe/Berlin or UTC");
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneText);
    } catch (DateTimeException e) {
      throw new ConfigException(n.pathOf("zone"), "unknown time zone " + ConfigNode.quote(zoneText)
          + "; use an IANA name such as Europe/Berlin");
    }
    n.rejectUnknownKeys();
    return new ConditionSpec.TimeWindow(days, from, to, zone);
  }

  private static DayOfWeek day(String at, String name) throws ConfigException {
    String n = name.toLowerCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      String full = d.name().toLowerCase(Locale.ROOT);
      if (n.equals(full) || n.equals(full.substring(0, 3))) {
        return d;
      }
    }
    throw new ConfigException(at, "expected a day such as mon or monday, got " + ConfigNode.quote(name));
  }
}
