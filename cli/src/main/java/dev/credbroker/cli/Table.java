package dev.credbroker.cli;

import java.io.PrintStream;
import java.util.List;

/** Columns padded to their widest cell, for people reading a terminal; the last one unpadded. */
final class Table {
  private Table() {}

  static void print(PrintStream out, List<String> headers, List<String[]> rows) {
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

  private static void line(PrintStream out, String[] cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      b.append(c == cells.length - 1 ? cells[c] : String.format("%-" + widths[c] + "s  ", cells[c]));
    }
    out.println(b.toString().stripTrailing());
  }
}
