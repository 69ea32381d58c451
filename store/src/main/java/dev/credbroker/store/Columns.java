package dev.credbroker.store;

/**
 * What the searchable columns hold of a record's field: the value itself, except that PostgreSQL
 * text cannot hold U+0000 (it becomes U+FFFD) and a b-tree entry must stay under about 2.7 kB
 * (values are cut to {@link #MAX_CHARS} characters, 2 kB of UTF-8 at most). Callers choose some of
 * these values (a role alias, claims), so without this one hostile request could stop a broker's
 * shipping for good. The record's own line keeps the exact value; a search compares the column
 * with the filter put through the same mapping, then the record's exact value.
 */
final class Columns {
  static final int MAX_CHARS = 500;

  private Columns() {}

  /** The column value for {@code value}; null for an empty one. */
  static String of(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    String v = value.replace('\0', '\uFFFD');
    if (v.length() > MAX_CHARS) {
      int end = Character.isHighSurrogate(v.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
      v = v.substring(0, end);
    }
    return v;
  }
}
