package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

/**
 * The process around the services: config and certificate reloads, calls refused before any
 * service saw them, health as reported, and the certificates' expiry.
 */
public final class ServerMetrics {
  /** How a re-read of the config file ended. */
  public enum Reload { APPLIED, UNCHANGED, REFUSED }

  /** Why a call was refused before its service: not the method's message, or too big. */
  public enum Refusal { MALFORMED, OVERSIZED }

  private final Counter reloads;
  private final Counter tlsReloads;
  private final Counter refused;
  private final CertificateExpiry certificates;
  private final Health health;

  ServerMetrics(Counter reloads, Counter tlsReloads, Counter refused,
      CertificateExpiry certificates, Health health) {
    this.reloads = reloads;
    this.tlsReloads = tlsReloads;
    this.refused = refused;
    this.certificates = certificates;
    this.health = health;
    for (Reload r : Reload.values()) {
      reloads.labelValues(lower(r));
    }
    for (Refusal r : Refusal.values()) {
      refused.labelValues(lower(r));
    }
  }

  public void configReload(Reload outcome) {
    reloads.labelValues(lower(outcome)).inc();
  }

  /** {@code outcome}: applied, unchanged or refused. */
  public void tlsReload(String listener, Enum<?> outcome) {
    tlsReloads.labelValues(listener, lower(outcome)).inc();
  }

  public void refused(Refusal reason) {
    refused.labelValues(lower(reason)).inc();
  }

  /**
   * Where a listener's certificate in use is read at scrape time; its reloads are exported at 0
   * from here on.
   */
  public void certificate(String listener, Supplier<X509Certificate> leaf) {
    certificates.track(listener, leaf);
    for (String outcome : new String[] {"applied", "unchanged", "refused"}) {
      tlsReloads.labelValues(listener, outcome);
    }
  }

  public void serving(String service, boolean up) {
    health.set(service, up);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }
}
