package dev.credbroker.bench;

import dev.credbroker.bench.load.LoadResult;
import java.time.Duration;
import java.util.Optional;

/**
 * One scenario of the suite: its load result and the broker CPU time used while it was measured,
 * or why it did not run. {@code note} carries what else the scenario counts (STS calls).
 */
record ScenarioResult(String id, String title, int concurrency, Optional<LoadResult> load,
    Optional<Duration> brokerCpu, Optional<String> note, Optional<String> skipped) {

  static ScenarioResult measured(String id, String title, int concurrency, LoadResult load,
      Duration brokerCpu) {
    return new ScenarioResult(id, title, concurrency, Optional.of(load), Optional.of(brokerCpu),
        Optional.empty(), Optional.empty());
  }

  static ScenarioResult skipped(String id, String title, String why) {
    return new ScenarioResult(id, title, 0, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(why));
  }

  /** Broker CPU time per 1,000 successful calls. */
  Optional<Duration> cpuPer1000() {
    return load.filter(l -> l.calls() > 0).flatMap(l -> brokerCpu.map(cpu ->
        Duration.ofNanos(cpu.toNanos() * 1000 / l.calls())));
  }

  /** This and a later round of the same scenario as one result. */
  ScenarioResult plus(ScenarioResult later) {
    if (load.isEmpty()) {
      return later;
    }
    return new ScenarioResult(id, title, concurrency, Optional.of(load.get().plus(later.load().orElseThrow())),
        Optional.of(brokerCpu.orElseThrow().plus(later.brokerCpu().orElseThrow())), note, skipped);
  }

  ScenarioResult withNote(String text) {
    return new ScenarioResult(id, title, concurrency, load, brokerCpu, Optional.of(text), skipped);
  }
}
