package dev.credbroker.core.audit;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A record read back from a file: its JSON text exactly as written, and its fields. */
public record AuditEntry(String json, Map<String, Object> fields) {

  /** Parses a line; empty when it is not a JSON object (the text {@code null} is not one). */
  public static Optional<AuditEntry> parse(byte[] line) {
    String json = new String(line, StandardCharsets.UTF_8);
    try {
      return Optional.ofNullable(JSONObjectUtils.parse(json)).map(f -> new AuditEntry(json, f));
    } catch (ParseException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * This record with {@code key} added to its fields but not to its text: what a source knows of
   * a record beyond its line (the store: the broker that wrote it).
   */
  public AuditEntry with(String key, Object value) {
    Map<String, Object> more = new java.util.LinkedHashMap<>(fields);
    more.put(key, value);
    return new AuditEntry(json, java.util.Collections.unmodifiableMap(more));
  }

  /** The record's place in the chain; -1 when it has none. */
  public long seq() {
    return fields.get("seq") instanceof Number n ? n.longValue() : -1;
  }

  String prev() {
    return field("prev");
  }

  String type() {
    return field("type");
  }

  public String field(String key) {
    return fields.get(key) instanceof String s ? s : "";
  }

  public long number(String key) {
    return fields.get(key) instanceof Number n ? n.longValue() : 0;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> object(String key) {
    return fields.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  public String callerField(String key) {
    return object("caller").get(key) instanceof String s ? s : "";
  }

  /** The record's time; {@link Instant#EPOCH} for a record without a readable one. */
  public Instant time() {
    try {
      return Instant.parse(field("time"));
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  public AuditEvent.Decision decision() {
    try {
      return AuditEvent.Decision.valueOf(field("decision").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return AuditEvent.Decision.ERROR;
    }
  }
}
