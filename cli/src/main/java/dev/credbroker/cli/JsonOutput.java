package dev.credbroker.cli;

import dev.credbroker.core.text.JsonText;
import java.util.List;
import java.util.Map;

/**
 * The command's JSON output: compact for programs (the broker's own JSON writer), or indented for
 * people, with arrays of plain values kept on one line.
 */
final class JsonOutput {
  private JsonOutput() {}

  static String compact(Object value) {
    StringBuilder out = new StringBuilder();
    JsonText.value(out, value);
    return out.toString();
  }

  static String pretty(Object value) {
    StringBuilder out = new StringBuilder();
    pretty(value, out, 0);
    return out.toString();
  }

  private static void pretty(Object v, StringBuilder out, int indent) {
    boolean nested = v instanceof Map<?, ?> m && !m.isEmpty()
        || v instanceof List<?> l && l.stream().anyMatch(e -> e instanceof Map || e instanceof List);
    if (!nested) {
      JsonText.value(out, v);
      return;
    }
    boolean object = v instanceof Map;
    Iterable<?> items = object ? ((Map<?, ?>) v).entrySet() : (List<?>) v;
    out.append(object ? '{' : '[');
    String sep = "";
    for (Object item : items) {
      out.append(sep).append('\n').append("  ".repeat(indent + 1));
      sep = ",";
      if (item instanceof Map.Entry<?, ?> e && object) {
        JsonText.quote(out, String.valueOf(e.getKey()));
        out.append(": ");
        item = e.getValue();
      }
      pretty(item, out, indent + 1);
    }
    out.append('\n').append("  ".repeat(indent)).append(object ? '}' : ']');
  }
}
