package dev.credbroker.server.metrics;

import java.time.Instant;
import java.util.Optional;

/**
 * One trusted issuer's signing keys as a scrape or a health check sees them: how many, when they
 * were last fetched, and whether they may still verify tokens (within {@code jwks_cache_ttl +
 * outage_tolerance} of that fetch). The issuer is the configured string, never a token's.
 */
public record KeySetState(String issuer, int keys, Optional<Instant> fetchedAt, boolean usable) {}
