package dev.credbroker.core.config;

import java.time.Duration;

/**
 * Bounds on what one client can make the server hold. Requests are small (an alias and a few
 * flags), so inbound messages are capped far below gRPC's 4 MiB default. Metadata is capped at
 * four times the broker's own 16 KiB token limit: a group-heavy token (Entra ID and Okta tokens
 * can exceed 8 KiB) fits, and an oversized one reaches the broker, which refuses it with
 * UNAUTHENTICATED and an audit record, instead of HTTP/2 refusing the header block unrecorded.
 */
public record ServerLimits(
    int maxInboundMessageBytes,
    int maxInboundMetadataBytes,
    int maxConcurrentCallsPerConnection,
    Duration handshakeTimeout,
    Duration keepaliveTime,
    Duration keepaliveTimeout,
    Duration permitKeepaliveTime,
    Duration maxConnectionIdle,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace) {

  public static final ServerLimits DEFAULTS = new ServerLimits(
      64 * 1024, 64 * 1024, 256,
      Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofSeconds(20),
      Duration.ofSeconds(20), Duration.ofMinutes(30), Duration.ofMinutes(30), Duration.ofMinutes(5));

  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration MS = Duration.ofMillis(1);

  static ServerLimits read(ConfigNode n) throws ConfigException {
    ServerLimits d = DEFAULTS;
    ServerLimits limits = new ServerLimits(
        n.dataSize("max_inbound_message_size", 1024, 16L << 20)
            .map(Math::toIntExact).orElse(d.maxInboundMessageBytes()),
        n.dataSize("max_inbound_metadata_size", 8 * 1024, 1L << 20)
            .map(Math::toIntExact).orElse(d.maxInboundMetadataBytes()),
        n.integer("max_concurrent_calls_per_connection", 1, 100_000)
            .map(Math::toIntExact).orElse(d.maxConcurrentCallsPerConnection()),
        n.duration("handshake_timeout", MS, Duration.ofMinutes(5)).orElse(d.handshakeTimeout()),
        n.duration("keepalive_time", Duration.ofSeconds(10), DAY).orElse(d.keepaliveTime()),
        n.duration("keepalive_timeout", MS, Duration.ofMinutes(5)).orElse(d.keepaliveTimeout()),
        n.duration("permit_keepalive_time", Duration.ZERO, DAY).orElse(d.permitKeepaliveTime()),
        n.duration("max_connection_idle", Duration.ofSeconds(1), DAY).orElse(d.maxConnectionIdle()),
        n.duration("max_connection_age", Duration.ofSeconds(1), DAY).orElse(d.maxConnectionAge()),
        n.duration("max_connection_age_grace", Duration.ZERO, DAY)
            .orElse(d.maxConnectionAgeGrace()));
    n.rejectUnknownKeys();
    return limits;
  }
}
