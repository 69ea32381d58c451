package dev.credbroker.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/** What a command may touch of its process: environment, standard output and error, the clock. */
record Io(Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {}
