package dev.credbroker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the suite ran: what a reader needs to judge whether two reports are comparable. */
record Machine(int cores, String cpuModel, long memoryBytes, String jvm, String os,
    String loadAverage) {

  static Machine current() {
    return new Machine(Runtime.getRuntime().availableProcessors(),
        procField("/proc/cpuinfo", "model name").orElse("unknown"),
        procField("/proc/meminfo", "MemTotal").map(kb -> Long.parseLong(kb.replaceAll("[^0-9]", ""))
            * 1024).orElse(0L),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"),
        currentLoadAverage());
  }

  /** The 1, 5 and 15 minute load averages: other work on a shared machine shows up here. */
  static String currentLoadAverage() {
    try {
      List<String> parts = List.of(Files.readString(Path.of("/proc/loadavg")).split(" "));
      return String.join(" ", parts.subList(0, 3));
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static java.util.Optional<String> procField(String file, String name) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(l -> l.startsWith(name))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
