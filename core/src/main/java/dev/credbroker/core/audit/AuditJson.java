package dev.credbroker.core.audit;

import dev.credbroker.core.text.InstantText;
import dev.credbroker.core.text.JsonText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The record format (schema version 1, documented in docs/audit.md): one JSON object per line,
 * fields in a fixed order, empty fields left out, {@code prev} last so the chain can seal it.
 * Public for the server's audit writer, which encodes what it writes with it.
 */
public final class AuditJson {
  static final String DECISION = "decision";
  static final String SEGMENT_END = "segment_end";
  static final String SEGMENT_START = "segment_start";
  static final String CHECKPOINT = "checkpoint";

  private static final byte[] LINE_START =
      ("{\"v\":" + AuditEvent.SCHEMA_VERSION + ",\"seq\":").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREV_FIELD = ",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
  /** Encoding is per call and off the writer's lock; each thread reuses one builder. */
  private static final ThreadLocal<StringBuilder> TEXT =
      ThreadLocal.withInitial(() -> new StringBuilder(1024));

  private AuditJson() {}

  /**
   * Appends a record, up to and including {@code prev}, to {@code out}: {@code body} is what
   * {@link #decision} or {@link #segmentEnd} encoded. {@link AuditChain#seal} closes it.
   */
  public static void record(RecordBuffer out, long seq, byte[] body, String prev) {
    out.write(LINE_START);
    out.writeAscii(Long.toString(seq));
    out.write(body);
    out.write(PREV_FIELD);
    out.writeAscii(prev);
    out.write('"');
  }

  /**
   * A decision record's fields after its sequence number, in UTF-8: everything but its place in
   * the chain, so it can be encoded before the writer's lock is taken.
   */
  public static byte[] decision(AuditEvent e) {
    StringBuilder out = start(DECISION, e.time());
    field(out, "request_id", e.requestId());
    field(out, "rpc", e.rpc().wireName());
    field(out, "decision", switch (e.decision()) {
      case ALLOW -> "allow";
      case DENY -> "deny";
      case ERROR -> "error";
    });
    field(out, "status", e.status().wireName());
    field(out, "reason", e.reason());
    if (!e.ruleIds().isEmpty()) {
      out.append(",\"rule_ids\":");
      JsonText.value(out, e.ruleIds());
    }
    e.caller().ifPresent(c -> out.append(c.json()));
    e.unverified().ifPresent(u -> {
      out.append(",\"unverified\":{");
      int start = out.length();
      field(out, "issuer", u.issuer());
      field(out, "subject", u.subject());
      field(out, "kid", u.kid());
      out.deleteCharAt(start).append('}'); // the first field's comma
    });
    field(out, "peer_address", e.peerAddress());
    field(out, "token_hash", e.tokenHash());
    field(out, "role", e.role().orElse(""));
    field(out, "secret", e.secret().orElse(""));
    e.credential().ifPresent(c -> out.append(c.json()));
    e.secretRead().ifPresent(s -> {
      out.append(",\"secret_read\":{\"version_id\":");
      JsonText.quote(out, s.versionId());
      if (!s.versionStages().isEmpty()) {
        out.append(",\"version_stages\":");
        JsonText.value(out, s.versionStages());
      }
      out.append('}');
    });
    switch (e.cache()) {
      case HIT -> field(out, "cache", "hit");
      case MISS -> field(out, "cache", "miss");
      case STALE -> field(out, "cache", "stale");
      case NOT_APPLICABLE -> { }
    }
    field(out, "aws_request_id", e.awsRequestId());
    out.append(",\"latency_us\":").append(e.latency().toNanos() / 1000);
    return utf8(out);
  }

  /** A record's {@code caller} field: made once per {@link AuditEvent.Caller}. */
  static String caller(AuditEvent.Caller c) {
    StringBuilder out = new StringBuilder(256).append(",\"caller\":{\"issuer\":");
    JsonText.quote(out, c.issuer());
    field(out, "subject", c.subject());
    field(out, "client_id", c.clientId());
    if (!c.claims().isEmpty()) {
      out.append(",\"claims\":");
      JsonText.value(out, new java.util.TreeMap<>(c.claims()));
    }
    return out.append('}').toString();
  }

  /** A record's {@code credential} field: made once per {@link AuditEvent.IssuedCredential}. */
  static String credential(AuditEvent.IssuedCredential c) {
    StringBuilder out = new StringBuilder(256).append(",\"credential\":{\"access_key_id\":");
    JsonText.quote(out, c.accessKeyId());
    field(out, "session_name", c.sessionName());
    field(out, "source_identity", c.sourceIdentity());
    field(out, "expiration", c.expiration().toString());
    field(out, "assumed_role_arn", c.assumedRoleArn());
    return out.append('}').toString();
  }

  /** The last record of a rotated file: its absence shows a rotated file was cut short. */
  public static byte[] segmentEnd(Instant time) {
    return utf8(start(SEGMENT_END, time));
  }

  /** The first record of a file a rotation started: a declared start, not a cut. */
  public static byte[] segmentStart(Instant time) {
    return utf8(start(SEGMENT_START, time));
  }

  /** A signed checkpoint over the head {@code (headSeq, headHash)}: see {@link CheckpointFormat}. */
  static byte[] checkpoint(Instant time, String brokerId, String keyId, long headSeq,
      String headHash, java.time.Duration interval, String signature) {
    StringBuilder out = start(CHECKPOINT, time);
    field(out, "broker_id", brokerId);
    field(out, "key_id", keyId);
    out.append(",\"head_seq\":").append(headSeq);
    field(out, "head_hash", headHash);
    out.append(",\"interval_s\":").append(interval.toSeconds());
    field(out, "signature", signature);
    return utf8(out);
  }

  private static StringBuilder start(String type, Instant time) {
    StringBuilder out = TEXT.get();
    out.setLength(0);
    out.append(",\"type\":\"").append(type).append("\",\"time\":\"");
    InstantText.append(out, time);
    return out.append('"');
  }

  private static byte[] utf8(StringBuilder text) {
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    if (text.capacity() > 64 * 1024) {
      TEXT.remove(); // one huge record does not pin a huge builder to the thread
    }
    return bytes;
  }

  private static void field(StringBuilder out, String key, String value) {
    if (value != null && !value.isEmpty()) {
      out.append(",\"").append(key).append("\":");
      JsonText.quote(out, value);
    }
  }
}
