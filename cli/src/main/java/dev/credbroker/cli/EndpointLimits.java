package dev.credbroker.cli;

import java.time.Duration;

/**
 * What one local client may hold of the container endpoint. Every SDK asks with a request of a few
 * hundred bytes sent at once, so a client that needs seconds for its header, or holds a connection
 * without asking, is broken or hostile, and its connection is worth less than the next caller's.
 *
 * @param headerTimeout from a request's first byte to its last; then 408 and the connection closes
 * @param idleTimeout a connection with no request in progress (just accepted, or answered and kept
 *     alive) is closed after this long
 * @param maxConnections open connections at most; at the cap, the oldest connection that is not
 *     being answered is closed to admit the new one
 * @param maxConnectionsPerPeer the same per remote address
 * @param maxHeaderBytes request line plus headers; more is answered 431 (414 for the line alone)
 */
record EndpointLimits(Duration headerTimeout, Duration idleTimeout, int maxConnections,
    int maxConnectionsPerPeer, int maxHeaderBytes) {

  /**
   * The AWS SDKs give the endpoint 1 to 5 seconds to answer, so a header may take as long as the
   * slowest SDK waits. 1024 connections (two descriptors each while a test client shares the
   * process) stay inside the descriptors a JVM has on Linux, where it raises its soft limit to
   * the hard one at start.
   */
  static final EndpointLimits DEFAULTS = new EndpointLimits(Duration.ofSeconds(5),
      Duration.ofSeconds(30), 1024, 512, 8192);

  EndpointLimits {
    if (headerTimeout.isNegative() || headerTimeout.isZero() || idleTimeout.isNegative()
        || idleTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive: header " + headerTimeout
          + ", idle " + idleTimeout);
    }
    if (maxConnections < 1 || maxConnectionsPerPeer < 1 || maxConnectionsPerPeer > maxConnections) {
      throw new IllegalArgumentException("connection caps must be 1 <= per peer ("
          + maxConnectionsPerPeer + ") <= total (" + maxConnections + ")");
    }
    if (maxHeaderBytes < 256) {
      throw new IllegalArgumentException("maxHeaderBytes must be at least 256, got " + maxHeaderBytes);
    }
  }
}
