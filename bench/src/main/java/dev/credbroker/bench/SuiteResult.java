package dev.credbroker.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything one run of the suite measured, for the report.
 *
 * @param heap the live heap with {@code options.sessions()} sessions cached, if that ran
 * @param profile markdown summary of the JFR recording of (c), if one was taken
 */
record SuiteResult(Instant finished, Machine machine, String loadAverageAfter, SuiteOptions options,
    Duration startup, List<ScenarioResult> scenarios, long peakRssBytes,
    Optional<HeapResult> heap, Optional<String> profile) {

  /** The broker's heap after a full collection with {@code sessions} cached sessions. */
  record HeapResult(int sessions, long cachedTotal, long usedBytes, long committedBytes,
      long failures, boolean servingAfter) {}

  Optional<ScenarioResult> scenario(String id) {
    return scenarios.stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
