package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The issuers' key sets, read when scraped from whatever authenticator is current. */
final class KeySets {
  private final AtomicReference<Supplier<List<KeySetState>>> source =
      new AtomicReference<>(List::of);
  private volatile Clock clock = Clock.systemUTC();

  void track(Supplier<List<KeySetState>> states, Clock clock) {
    this.clock = clock;
    source.set(states);
  }

  void keys(GaugeWithCallback.Callback callback) {
    source.get().get().forEach(s -> callback.call(s.keys(), s.issuer()));
  }

  void age(GaugeWithCallback.Callback callback) {
    source.get().get().forEach(s -> s.fetchedAt().ifPresent(at -> callback.call(
        Duration.between(at, clock.instant()).toMillis() / 1000.0, s.issuer())));
  }

  void lastSuccess(GaugeWithCallback.Callback callback) {
    source.get().get().forEach(s -> s.fetchedAt().ifPresent(at -> callback.call(
        at.toEpochMilli() / 1000.0, s.issuer())));
  }

  void usable(GaugeWithCallback.Callback callback) {
    source.get().get().forEach(s -> callback.call(s.usable() ? 1 : 0, s.issuer()));
  }
}
