package dev.credbroker.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the broker sees in the caller's token: issuer, subject, lifetime, audiences and every claim
 * as policy sees it (JSON values: String, Double or Long, Boolean, List, Map, or null).
 */
public record Identity(String issuer, String subject, Instant expiration, Optional<Instant> issuedAt,
    List<String> audiences, Map<String, Object> claims, String peerAddress) {

  public Identity {
    audiences = List.copyOf(audiences);
    claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
  }
}
