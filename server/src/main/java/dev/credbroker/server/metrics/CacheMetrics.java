package dev.credbroker.server.metrics;

import com.github.benmanes.caffeine.cache.RemovalCause;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.function.LongSupplier;

/**
 * What one cache (credentials or secrets) records. The label values are resolved once here, so a
 * cache hit costs one add to a striped counter and no map lookup.
 */
public final class CacheMetrics {
  /** Where a lookup's answer came from. */
  public enum Result { HIT, MISS, STALE }

  private final String cache;
  private final CounterDataPoint hit;
  private final CounterDataPoint miss;
  private final CounterDataPoint stale;
  private final CounterDataPoint joined;
  private final CounterDataPoint refreshed;
  private final CounterDataPoint refreshFailed;
  private final Counter evictions;
  private final CacheEntries entries;
  private final boolean recording;

  CacheMetrics(String cache, Counter lookups, Counter evictions, Counter joins, Counter refreshes,
      CacheEntries entries, boolean recording) {
    this.cache = cache;
    this.recording = recording;
    this.hit = lookups.labelValues(cache, "hit");
    this.miss = lookups.labelValues(cache, "miss");
    this.stale = lookups.labelValues(cache, "stale");
    this.joined = joins.labelValues(cache);
    this.refreshed = refreshes.labelValues(cache, "ok");
    this.refreshFailed = refreshes.labelValues(cache, "failed");
    this.evictions = evictions;
    this.entries = entries;
    evictions.labelValues(cache, "size"); // the usual causes, at 0 before the first
    evictions.labelValues(cache, "expired");
  }

  public void lookup(Result result) {
    if (!recording) {
      return;
    }
    switch (result) {
      case HIT -> hit.inc();
      case MISS -> miss.inc();
      case STALE -> stale.inc();
    }
  }

  /** A lookup that shared an AWS call already in flight. */
  public void joined() {
    if (recording) {
      joined.inc();
    }
  }

  public void refreshed(boolean ok) {
    (ok ? refreshed : refreshFailed).inc();
  }

  /** Counts evictions only (size, expiry, collection), not replacements or explicit removals. */
  public void removed(RemovalCause cause) {
    if (cause.wasEvicted()) {
      evictions.labelValues(cache, cause.name().toLowerCase(java.util.Locale.ROOT)).inc();
    }
  }

  /** Where the number of entries is read at scrape time; a later cache replaces an earlier one. */
  public void entries(LongSupplier size) {
    entries.track(cache, size);
  }
}
