package dev.credbroker.core.audit;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a reviewer asks of the audit log: a time window and exact-match filters, all optional and
 * combined with AND. Results come newest first; {@code afterRequestId} resumes after the last
 * record of a previous page (with older records). The file search and the store search apply the
 * same filters: each {@link Field} names the record's JSON field and the store's column.
 */
public record AuditQuery(
    Optional<Instant> since,
    Optional<Instant> until,
    Map<Field, String> equal,
    Optional<AuditEvent.Decision> decision,
    Optional<String> afterRequestId,
    int limit) {

  public static final int MAX_LIMIT = 10_000;

  /** An exact-match filter: where the file record holds it, and the store's column for it. */
  public enum Field {
    ISSUER("issuer", e -> e.callerField("issuer")),
    SUBJECT("subject", e -> e.callerField("subject")),
    CLIENT_ID("client_id", e -> e.callerField("client_id")),
    ROLE("role", e -> e.field("role")),
    SECRET("secret", e -> e.field("secret")),
    RPC("rpc", e -> e.field("rpc")),
    ACCESS_KEY_ID("access_key_id", e -> credential(e, "access_key_id")),
    SESSION_NAME("session_name", e -> credential(e, "session_name")),
    SOURCE_IDENTITY("source_identity", e -> credential(e, "source_identity")),
    REQUEST_ID("request_id", e -> e.field("request_id")),
    /** Records carry no broker id in a file; the store knows which broker shipped each. */
    BROKER_ID("broker_id", e -> e.field("broker_id"));

    private final String column;
    private final Function<AuditEntry, String> inFile;

    Field(String column, Function<AuditEntry, String> inFile) {
      this.column = column;
      this.inFile = inFile;
    }

    /** The store's column, which is also the filter's name in the CLI ({@code --client-id}). */
    public String column() {
      return column;
    }

    /** The field's value in a record read back; empty when the record has none. */
    public String valueIn(AuditEntry e) {
      return inFile.apply(e);
    }

    private static String credential(AuditEntry e, String key) {
      return e.object("credential").get(key) instanceof String s ? s : "";
    }
  }

  public AuditQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
    EnumMap<Field, String> copy = new EnumMap<>(Field.class);
    copy.putAll(equal);
    equal = java.util.Collections.unmodifiableMap(copy);
  }

  /** Everything in the window, newest first, up to {@code limit}. */
  public static AuditQuery all(int limit) {
    return new AuditQuery(Optional.empty(), Optional.empty(), Map.of(), Optional.empty(),
        Optional.empty(), limit);
  }

  public Optional<String> get(Field f) {
    return Optional.ofNullable(equal.get(f));
  }

  /** This query with {@code f} also required to equal {@code value}. */
  public AuditQuery with(Field f, String value) {
    EnumMap<Field, String> more = new EnumMap<>(Field.class);
    more.putAll(equal);
    more.put(f, value);
    return new AuditQuery(since, until, more, decision, afterRequestId, limit);
  }

  boolean matches(AuditEntry e) {
    if (since.isPresent() && e.time().isBefore(since.get())
        || until.isPresent() && !e.time().isBefore(until.get())
        || decision.isPresent() && decision.get() != e.decision()) {
      return false;
    }
    for (Map.Entry<Field, String> f : equal.entrySet()) {
      if (!f.getValue().equals(f.getKey().valueIn(e))) {
        return false;
      }
    }
    return true;
  }
}
