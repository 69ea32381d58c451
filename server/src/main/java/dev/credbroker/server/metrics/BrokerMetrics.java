package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;

/**
 * Every metric the broker exports, defined in this one class: names, help, labels. Each label's
 * values come from a closed set (an enum, gRPC's codes, the RPC names) or from the configuration
 * (issuers); none ever carries a subject, token, key id, access key or secret value, so a scrape
 * is safe to ship anywhere and its size does not grow with callers. Parts of the broker get the
 * small view they record into ({@link #credentialCache()}, {@link #aws()}, ...) through their
 * constructors; there is no global registry.
 */
public final class BrokerMetrics {
  /** Latency buckets for calls that leave the machine (IdP, STS, Secrets Manager), in seconds. */
  private static final double[] REMOTE_SECONDS =
      {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  /** Latency buckets for work on this machine (an audit write, a cached answer), in seconds. */
  private static final double[] LOCAL_SECONDS =
      {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1};

  /** Latency buckets of whole calls: a cached answer in microseconds, an AWS call in seconds. */
  private static final double[] LOCAL_SECONDS_AND_REMOTE =
      {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
          5, 10};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final CacheMetrics credentialCache;
  private final CacheMetrics secretCache;
  private final AwsMetrics aws;
  private final AuthMetrics auth;
  private final AuditMetrics audit;
  private final RequestMetrics requests;
  private final ServerMetrics server;

  private BrokerMetrics(boolean recording) {
    Counter lookups = counter("credbroker_cache_lookups_total",
        "Cache lookups by cache and result: hit, miss (AWS was called), stale (served past its"
            + " TTL during an AWS outage)", "cache", "result");
    Counter evictions = counter("credbroker_cache_evictions_total",
        "Entries the cache dropped, by cause: size (over max_cached), expired", "cache", "cause");
    Counter joins = counter("credbroker_cache_single_flight_joins_total",
        "Lookups that joined an AWS call already in flight for the same key instead of making"
            + " their own", "cache");
    Counter refreshes = counter("credbroker_cache_refreshes_total",
        "Background refreshes ahead of expiry, by outcome: ok, failed", "cache", "outcome");
    CacheEntries entries = new CacheEntries();
    gauge("credbroker_cache_entries", "Entries held, by cache", entries::report, "cache");
    credentialCache = new CacheMetrics("credentials", lookups, evictions, joins, refreshes, entries,
        recording);
    secretCache = new CacheMetrics("secrets", lookups, evictions, joins, refreshes, entries,
        recording);

    aws = new AwsMetrics(
        counter("credbroker_aws_calls_total", "STS and Secrets Manager calls by service,"
            + " operation and outcome (ok or the kind of AWS error)", "service", "operation",
            "outcome"),
        histogram("credbroker_aws_call_duration_seconds", "Duration of STS and Secrets Manager"
            + " calls, the SDK's retries included", REMOTE_SECONDS, "service", "operation"));

    KeySets keySets = new KeySets();
    gauge("credbroker_jwks_keys", "Signing keys loaded, by issuer", keySets::keys, "issuer");
    gauge("credbroker_jwks_age_seconds", "Age of the signing keys in use, by issuer: seconds"
        + " since the last successful fetch (absent before the first)", keySets::age, "issuer");
    gauge("credbroker_jwks_last_success_timestamp_seconds", "When the issuer's keys were last"
        + " fetched successfully (Unix time)", keySets::lastSuccess, "issuer");
    gauge("credbroker_jwks_usable", "1 while the issuer has keys within jwks_cache_ttl +"
        + " outage_tolerance, else 0", keySets::usable, "issuer");
    auth = new AuthMetrics(
        counter("credbroker_jwks_fetches_total", "Discovery and JWKS fetches by issuer and"
            + " outcome: ok, failed", "issuer", "outcome"),
        histogram("credbroker_jwks_fetch_duration_seconds", "Duration of discovery and JWKS"
            + " fetches, by issuer", REMOTE_SECONDS, "issuer"),
        counter("credbroker_token_validations_total", "Bearer tokens checked, by outcome:"
            + " accepted, accepted_cached, or the reason for refusal", "outcome"),
        keySets, recording);

    AuditGauges auditGauges = new AuditGauges();
    gauge("credbroker_audit_writable", "1 while the audit log accepts writes, 0 after a failed"
        + " write until one succeeds", auditGauges::writable);
    audit = new AuditMetrics(
        counter("credbroker_audit_records_total", "Decision records written to the audit log"),
        counter("credbroker_audit_bytes_total", "Bytes written to the audit log, chain and"
            + " checkpoints included"),
        histogram("credbroker_audit_write_duration_seconds", "Duration of one audit write (a"
            + " batch of records, with fsync when configured)", LOCAL_SECONDS),
        counter("credbroker_audit_write_failures_total", "Audit writes that failed and were"
            + " rolled back; their callers were refused"),
        settable("credbroker_audit_shipper_lag_records", "Records written locally and not yet"
            + " in the fleet store (0 without a store)"),
        settable("credbroker_audit_shipper_lag_seconds", "Age of the oldest record not yet in"
            + " the fleet store (0 without a store)"),
        auditGauges, recording);

    requests = new RequestMetrics(
        counter("credbroker_requests_total", "Calls answered, by rpc, decision (allow, deny,"
            + " error) and gRPC status code", "rpc", "decision", "code"),
        histogram("credbroker_request_duration_seconds", "Time from a call's start to its"
            + " answer, by rpc", LOCAL_SECONDS_AND_REMOTE, "rpc"),
        counter("credbroker_rate_limited_total", "Calls refused with RESOURCE_EXHAUSTED by a"
            + " rate limit, by limit: caller, caller_uncached, role, role_uncached, secret,"
            + " secret_uncached, aws_concurrency, force_refresh", "limit"), recording);

    CertificateExpiry certificates = new CertificateExpiry();
    gauge("credbroker_tls_certificate_not_after_timestamp_seconds", "When the certificate in"
        + " use expires (Unix time), by listener: grpc, metrics", certificates::report,
        "listener");
    Health health = new Health();
    gauge("credbroker_health_serving", "1 while the gRPC health service reports SERVING for the"
        + " service, else 0", health::report, "service");
    server = new ServerMetrics(
        counter("credbroker_config_reloads_total", "Config file re-reads by outcome: applied,"
            + " unchanged, refused", "outcome"),
        counter("credbroker_tls_reloads_total", "Certificate and key re-reads by listener and"
            + " outcome: applied, unchanged, refused", "listener", "outcome"),
        counter("credbroker_requests_refused_total", "Calls refused before any service saw them,"
            + " by reason: malformed (not the method's message), oversized (over"
            + " max_inbound_message_size)", "reason"),
        certificates, health);
  }

  /** The broker's metrics with the JVM's and the process's (memory, GC, threads, CPU, fds). */
  public static BrokerMetrics create() {
    BrokerMetrics metrics = new BrokerMetrics(true);
    JvmMetrics.builder().register(metrics.registry);
    return metrics;
  }

  /**
   * Recorded but never served: for parts built without a metrics listener (tests, tools). Each
   * call makes a registry of its own, so nothing is shared between them.
   */
  public static BrokerMetrics detached() {
    return new BrokerMetrics(true);
  }

  /**
   * For {@code metrics.enabled: false}: nothing reads the metrics, so the per-call ones (requests,
   * token validations, cache lookups, audit writes) are not recorded at all; rarer events still
   * are. The suite compares a broker built with this against one with metrics on.
   */
  public static BrokerMetrics off() {
    return new BrokerMetrics(false);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public CacheMetrics credentialCache() {
    return credentialCache;
  }

  public CacheMetrics secretCache() {
    return secretCache;
  }

  public AwsMetrics aws() {
    return aws;
  }

  public AuthMetrics auth() {
    return auth;
  }

  public AuditMetrics audit() {
    return audit;
  }

  /** Calls by rpc, decision and status, and rate limiting; recorded by the gRPC layer. */
  public RequestMetrics requests() {
    return requests;
  }

  /** Config and certificate reloads, refusals before the services, health, certificates. */
  public ServerMetrics server() {
    return server;
  }

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars()
        .register(registry);
  }

  private Histogram histogram(String name, String help, double[] buckets, String... labels) {
    return Histogram.builder().name(name).help(help).labelNames(labels).classicOnly()
        .classicUpperBounds(buckets).withoutExemplars().register(registry);
  }

  private Gauge settable(String name, String help) {
    return Gauge.builder().name(name).help(help).withoutExemplars().register(registry);
  }

  private void gauge(String name, String help, Consumer<GaugeWithCallback.Callback> report,
      String... labels) {
    GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(report)
        .register(registry);
  }
}
