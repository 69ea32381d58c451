package dev.credbroker.client.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON output of maps, lists, strings, numbers, booleans and null: compact for programs, or
 * indented for people (arrays of plain values stay on one line).
 */
final class JsonText {
  private JsonText() {}

  static String compact(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, -1);
    return out.toString();
  }

  static String pretty(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, 0);
    return out.toString();
  }

  private static void write(Object v, StringBuilder out, int indent) {
    if (v instanceof Map<?, ?> m) {
      writeEntries(m.entrySet().iterator(), m.isEmpty(), '{', '}', out, indent, true);
    } else if (v instanceof List<?> l) {
      boolean flat = indent < 0 || l.stream().noneMatch(e -> e instanceof Map || e instanceof List);
      writeEntries(l.iterator(), l.isEmpty(), '[', ']', out, flat ? -1 : indent, false);
    } else if (v instanceof String s) {
      quote(s, out);
    } else if (v == null || v instanceof Number || v instanceof Boolean) {
      out.append(v);
    } else {
      quote(v.toString(), out);
    }
  }

  private static void writeEntries(Iterator<?> it, boolean empty, char open, char close,
      StringBuilder out, int indent, boolean keyed) {
    out.append(open);
    if (empty) {
      out.append(close);
      return;
    }
    boolean first = true;
    while (it.hasNext()) {
      Object e = it.next();
      out.append(first ? "" : indent < 0 && !keyed ? ", " : ",");
      first = false;
      newline(out, indent < 0 ? -1 : indent + 1);
      Object value = e;
      if (keyed) {
        Map.Entry<?, ?> entry = (Map.Entry<?, ?>) e;
        quote(String.valueOf(entry.getKey()), out);
        out.append(indent < 0 ? ":" : ": ");
        value = entry.getValue();
      }
      write(value, out, indent < 0 ? -1 : indent + 1);
    }
    newline(out, indent);
    out.append(close);
  }

  private static void newline(StringBuilder out, int indent) {
    if (indent >= 0) {
      out.append('\n').append("  ".repeat(indent));
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
