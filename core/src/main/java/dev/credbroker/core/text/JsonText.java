package dev.credbroker.core.text;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON text (RFC 8259) by hand for the two places that need exact bytes: log lines and audit
 * records, whose hash covers the text as written. Values are the JSON types claims hold: String,
 * Long, Double, Boolean, List, Map, null.
 */
public final class JsonText {
  private JsonText() {}

  /** Appends {@code s} as a JSON string; control and line-separator characters are escaped. */
  public static void quote(StringBuilder out, String s) {
    out.append('"');
    if (s != null && plain(s)) {
      out.append(s); // the common case, copied in bulk rather than char by char
    } else if (s != null) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)
                && !wellPaired(s, i)) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
    }
    out.append('"');
  }

  /** Appends any claim-shaped value. */
  public static void value(StringBuilder out, Object v) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      quote(out, s);
    } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
      out.append(v);
    } else if (v instanceof Double d) {
      out.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
    } else if (v instanceof Map<?, ?> m) {
      out.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.append(sep);
        quote(out, String.valueOf(e.getKey()));
        out.append(':');
        value(out, e.getValue());
        sep = ",";
      }
      out.append('}');
    } else if (v instanceof List<?> l) {
      out.append('[');
      String sep = "";
      for (Object e : l) {
        out.append(sep);
        value(out, e);
        sep = ",";
      }
      out.append(']');
    } else {
      quote(out, String.valueOf(v));
    }
  }

  /** Whether {@code s} holds nothing that {@link #quote} would escape. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029
          || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** A lone surrogate would not survive UTF-8 encoding; it is escaped instead. */
  private static boolean wellPaired(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
