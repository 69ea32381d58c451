package dev.credbroker.server.metrics;

import java.util.List;

/**
 * An answer to {@code /healthz} or {@code /readyz}: whether the broker passes, and one line per
 * check saying why (configured names and states only: no caller, token or credential).
 */
public record Probe(boolean ok, List<String> details) {
  public Probe {
    details = List.copyOf(details);
  }
}
