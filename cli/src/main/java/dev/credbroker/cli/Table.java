package dev.credbroker.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * Columns padded to their widest cell, for people reading a terminal; the last one unpadded.
 * Cells come from the broker and, through it, from tokens and AWS: control characters are shown
 * as {@code ?}, so no cell can move the cursor or recolour the terminal.
 */
final class Table {
  private Table() {}

  static void print(PrintStream out, List<String> headers, List<String[]> rows) {
    rows = rows.stream().map(r -> java.util.Arrays.stream(r).map(Table::printable)
        .toArray(String[]::new)).toList();
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    line(out, headers.toArray(String[]::new), widths);
    rows.forEach(r -> line(out, r, widths));
  }

  /** {@code text} with every control character replaced by {@code ?}. */
  static String printable(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (b == null) {
          b = new StringBuilder(text);
        }
        b.setCharAt(i, '?');
      }
    }
    return b == null ? text : b.toString();
  }

  private static void line(PrintStream out, String[] cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      b.append(c == cells.length - 1 ? cells[c] : String.format("%-" + widths[c] + "s  ", cells[c]));
    }
    out.println(b.toString().stripTrailing());
  }
}
