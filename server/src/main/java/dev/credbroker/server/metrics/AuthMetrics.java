package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Token validation and the issuers' keys. Issuer labels are the configured issuer strings (a
 * fetch is only ever made for a configured issuer); a refused token is counted by reason only,
 * since its issuer claim is whatever the caller wrote.
 */
public final class AuthMetrics {
  private final Counter fetches;
  private final Histogram fetchDuration;
  private final Counter validations;
  private final KeySets keySets;
  private final boolean recording;

  AuthMetrics(Counter fetches, Histogram fetchDuration, Counter validations, KeySets keySets,
      boolean recording) {
    this.recording = recording;
    this.fetches = fetches;
    this.fetchDuration = fetchDuration;
    this.validations = validations;
    this.keySets = keySets;
    validations.labelValues("accepted");
    validations.labelValues("accepted_cached");
  }

  public void fetched(String configuredIssuer, boolean ok, long nanos) {
    fetches.labelValues(configuredIssuer, ok ? "ok" : "failed").inc();
    fetchDuration.labelValues(configuredIssuer).observe(nanos / 1e9);
  }

  /** A token accepted, from the cache of verified tokens or by a signature check. */
  public void accepted(boolean cached) {
    if (!recording) {
      return;
    }
    validations.labelValues(cached ? "accepted_cached" : "accepted").inc();
  }

  /** A token refused; {@code reason} is an enum constant (expired, signature_invalid, ...). */
  public void refused(Enum<?> reason) {
    validations.labelValues(reason.name().toLowerCase(Locale.ROOT)).inc();
  }

  /** Where the current key sets are read at scrape time (they change with a config reload). */
  public void keySets(Supplier<List<KeySetState>> states, Clock clock) {
    keySets.track(states, clock);
  }
}
