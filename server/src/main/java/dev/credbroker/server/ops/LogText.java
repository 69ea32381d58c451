package dev.credbroker.server.ops;

/**
 * Makes any text safe to put in one log line: a caller's argument, an AWS error message echoing
 * it, an exception's message. Line breaks of every kind (CR, LF, NEL, U+2028, U+2029), the other
 * C0 and C1 controls (ANSI escape sequences start with ESC or CSI), the bidirectional controls
 * that reorder what a terminal shows (CVE-2021-42574, "Trojan Source") and unpaired surrogates
 * are written as visible escapes ({@code \n}, {@code \r}, {@code \t}, {@code \}{@code u001b}), so
 * no value can end a line, start a forged one, or rewrite the terminal. Text is cut at a bound so
 * that one value cannot flood the log; the cut says how much was left out. Backslashes are left
 * as they are: a literal {@code \n} in a value stays on the same line, which is what matters.
 */
public final class LogText {
  /** The most characters one log message keeps; AWS's own messages are far shorter. */
  public static final int MAX_MESSAGE = 4096;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LogText() {}

  /** {@code s} escaped and cut at {@link #MAX_MESSAGE} characters; {@code null} as "null". */
  public static String escape(String s) {
    return escape(s, MAX_MESSAGE);
  }

  /** {@code s} escaped, keeping at most {@code max} characters of it. */
  public static String escape(String s, int max) {
    if (s == null) {
      return "null";
    }
    if (s.length() <= max && safe(s)) {
      return s; // the common case, without a copy
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 16);
    int end = cut(s, max);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (unsafe(c) || Character.isSurrogate(c) && !paired(s, i)) {
            out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    if (end < s.length()) {
      out.append("...[").append(s.length() - end).append(" more chars]");
    }
    return out.toString();
  }

  /** Where to stop so that at most {@code max} characters are kept and no pair is split. */
  private static int cut(String s, int max) {
    if (s.length() <= max) {
      return s.length();
    }
    return max > 0 && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
  }

  private static boolean safe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (unsafe(c) || Character.isSurrogate(c) && !paired(s, i)) {
        return false;
      }
    }
    return true;
  }

  /** C0 and C1 controls, DEL, line and paragraph separators, and bidirectional controls. */
  static boolean unsafe(char c) {
    return c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029
        || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
        || c == 0x200e || c == 0x200f || c == 0x061c;
  }

  private static boolean paired(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
