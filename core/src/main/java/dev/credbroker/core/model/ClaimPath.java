package dev.credbroker.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A path into a token's claims: {@code email}, {@code realm_access.roles},
 * {@code resource_access.broker.roles[0]}, optionally prefixed {@code $.}. Claims whose names
 * contain dots or brackets are addressed with quotes: {@code ["https://example.com/groups"]}.
 * Looking up a path never throws: a missing key, an index out of range or a value of another
 * shape yields empty.
 */
public final class ClaimPath {
  private final String text;
  private final List<Object> steps;

  private ClaimPath(String text, List<Object> steps) {
    this.text = text;
    this.steps = steps;
  }

  /** Parses a path; throws {@link IllegalArgumentException} with the accepted forms. */
  public static ClaimPath parse(String text) {
    String hint = "expected a claim path such as email, realm_access.roles, groups[0] or"
        + " [\"https://example.com/claim\"]";
    if (text == null || text.isEmpty() || text.length() > 512) {
      throw new IllegalArgumentException(hint);
    }
    String s = text.startsWith("$.") ? text.substring(2) : text;
    List<Object> steps = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '[') {
        int close = s.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException(hint);
        }
        String inner = s.substring(i + 1, close);
        if (inner.length() >= 2 && inner.startsWith("\"") && inner.endsWith("\"")) {
          steps.add(inner.substring(1, inner.length() - 1));
        } else if (inner.matches("\\d{1,6}")) {
          steps.add(Integer.parseInt(inner));
        } else {
          throw new IllegalArgumentException(hint);
        }
        i = close + 1;
        if (i < s.length() && s.charAt(i) == '.') {
          i++;
        }
      } else {
        int end = i;
        while (end < s.length() && s.charAt(end) != '.' && s.charAt(end) != '[') {
          end++;
        }
        if (end == i) {
          throw new IllegalArgumentException(hint);
        }
        steps.add(s.substring(i, end));
        i = end < s.length() && s.charAt(end) == '.' ? end + 1 : end;
        if (i == s.length() && s.charAt(s.length() - 1) == '.') {
          throw new IllegalArgumentException(hint);
        }
      }
    }
    if (steps.isEmpty()) {
      throw new IllegalArgumentException(hint);
    }
    return new ClaimPath(text, List.copyOf(steps));
  }

  /** The value at this path in {@code claims}, or empty. */
  public Optional<Object> lookup(Map<String, Object> claims) {
    Object current = claims;
    for (Object step : steps) {
      if (step instanceof String key && current instanceof Map<?, ?> map) {
        current = map.get(key);
      } else if (step instanceof Integer index && current instanceof List<?> list
          && index < list.size()) {
        current = list.get(index);
      } else {
        return Optional.empty();
      }
      if (current == null) {
        return Optional.empty();
      }
    }
    return Optional.of(current);
  }

  /** Paths are equal when they take the same steps ({@code $.a} equals {@code a}). */
  @Override
  public boolean equals(Object o) {
    return o instanceof ClaimPath other && steps.equals(other.steps);
  }

  @Override
  public int hashCode() {
    return steps.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
