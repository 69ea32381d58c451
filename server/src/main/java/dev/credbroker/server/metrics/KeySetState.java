package dev.credbroker.server.metrics;

import java.time.Instant;
import java.util.Optional;

/**
 * One trusted issuer's signing keys as a scrape or a health check sees them: how many, when they
 * were last fetched, and whether they may still verify tokens (within {@code jwks_cache_ttl +
 * outage_tolerance} of that fetch), and why the last fetch failed, if it did (the URL and the
 * problem). The issuer is the configured string, never a token's.
 */
public record KeySetState(String issuer, int keys, Optional<Instant> fetchedAt, boolean usable,
    Optional<String> lastFailure) {

  /**
   * Whether the issuer counts as healthy: keys usable, or none fetched and none failed yet (the
   * start-up check is under way, or {@code startup_check: skip} leaves it to the first token).
   */
  public boolean healthy() {
    return usable || (fetchedAt.isEmpty() && lastFailure.isEmpty());
  }
}
