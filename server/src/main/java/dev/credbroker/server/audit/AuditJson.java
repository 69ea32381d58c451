package dev.credbroker.server.audit;

import dev.credbroker.server.ops.JsonText;
import java.time.Instant;

/**
 * The record format (schema version 1, documented in docs/audit.md): one JSON object per line,
 * fields in a fixed order, empty fields left out, {@code prev} last so the chain can seal it.
 */
final class AuditJson {
  static final String DECISION = "decision";
  static final String SEGMENT_END = "segment_end";

  private AuditJson() {}

  /** A decision record up to and including {@code prev}; {@link AuditChain#seal} closes it. */
  static StringBuilder decision(AuditEvent e, long seq, String prev) {
    StringBuilder out = start(seq, DECISION, e.time());
    field(out, "request_id", e.requestId());
    field(out, "rpc", e.rpc());
    field(out, "decision", e.decision().name().toLowerCase(java.util.Locale.ROOT));
    field(out, "status", e.status());
    field(out, "reason", e.reason());
    if (!e.ruleIds().isEmpty()) {
      out.append(",\"rule_ids\":");
      JsonText.value(out, e.ruleIds());
    }
    e.caller().ifPresent(c -> {
      out.append(",\"caller\":{");
      out.append("\"issuer\":");
      JsonText.quote(out, c.issuer());
      field(out, "subject", c.subject());
      field(out, "client_id", c.clientId());
      if (!c.claims().isEmpty()) {
        out.append(",\"claims\":");
        JsonText.value(out, new java.util.TreeMap<>(c.claims()));
      }
      out.append('}');
    });
    field(out, "peer_address", e.peerAddress());
    field(out, "token_hash", e.tokenHash());
    field(out, "role", e.role().orElse(""));
    field(out, "secret", e.secret().orElse(""));
    e.credential().ifPresent(c -> {
      out.append(",\"credential\":{\"access_key_id\":");
      JsonText.quote(out, c.accessKeyId());
      field(out, "session_name", c.sessionName());
      field(out, "source_identity", c.sourceIdentity());
      field(out, "expiration", c.expiration().toString());
      field(out, "assumed_role_arn", c.assumedRoleArn());
      out.append('}');
    });
    e.secretRead().ifPresent(s -> {
      out.append(",\"secret_read\":{\"version_id\":");
      JsonText.quote(out, s.versionId());
      if (!s.versionStages().isEmpty()) {
        out.append(",\"version_stages\":");
        JsonText.value(out, s.versionStages());
      }
      out.append('}');
    });
    if (e.cache() != AuditEvent.Cache.NOT_APPLICABLE) {
      field(out, "cache", e.cache().name().toLowerCase(java.util.Locale.ROOT));
    }
    field(out, "aws_request_id", e.awsRequestId());
    out.append(",\"latency_us\":").append(e.latency().toNanos() / 1000);
    return prev(out, prev);
  }

  /** The last record of a rotated file: its absence shows a rotated file was cut short. */
  static StringBuilder segmentEnd(long seq, Instant time, String prev) {
    return prev(start(seq, SEGMENT_END, time), prev);
  }

  private static StringBuilder start(long seq, String type, Instant time) {
    StringBuilder out = new StringBuilder(512);
    out.append("{\"v\":").append(AuditEvent.SCHEMA_VERSION).append(",\"seq\":").append(seq)
        .append(",\"type\":\"").append(type).append("\",\"time\":\"").append(time).append('"');
    return out;
  }

  private static StringBuilder prev(StringBuilder out, String prev) {
    return out.append(",\"prev\":\"").append(prev).append('"');
  }

  private static void field(StringBuilder out, String key, String value) {
    if (value != null && !value.isEmpty()) {
      out.append(",\"").append(key).append("\":");
      JsonText.quote(out, value);
    }
  }
}
