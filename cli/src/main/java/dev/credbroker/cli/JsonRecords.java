package dev.credbroker.cli;

import java.io.PrintStream;

/**
 * Records as JSON: {@code jsonl} prints one object per line as it comes (for {@code jq} and log
 * tools); {@code json} one array holding them (for tools that read one document), still one
 * record per line.
 */
final class JsonRecords {
  private final PrintStream out;
  private final boolean array;
  private int printed;

  JsonRecords(PrintStream out, boolean array) {
    this.out = out;
    this.array = array;
  }

  void print(String record) {
    if (array) {
      out.print(printed == 0 ? "[\n" : ",\n");
      out.print(record);
    } else {
      out.println(record);
    }
    printed++;
  }

  /** Closes the array (an empty one when nothing matched). */
  void end() {
    if (array) {
      out.println(printed == 0 ? "[]" : "\n]");
    }
  }
}
