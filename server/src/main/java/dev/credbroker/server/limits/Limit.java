package dev.credbroker.server.limits;

import java.util.Locale;

/**
 * Which limit refused a call: a closed set, so it can label a metric and name the limit in an
 * audit record. {@code *_UNCACHED} are the buckets charged only by calls that reach AWS;
 * {@code FORCE_REFRESH} is the per-secret {@code force_refresh_interval}, not a bucket.
 */
public enum Limit {
  CALLER, CALLER_UNCACHED, ROLE, ROLE_UNCACHED, SECRET, SECRET_UNCACHED, AWS_CONCURRENCY,
  /** A secret's {@code force_refresh_interval}, per caller and secret. */
  FORCE_REFRESH;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The metric label and the key under {@code rate_limits}, e.g. {@code caller_uncached}. */
  public String label() {
    return label;
  }
}
