package dev.credbroker.core.revocation;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.text.JsonText;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A revocation as one JSON object: the local file's lines and the fleet store's rows hold this
 * text, so both read back the same way. Field names follow the audit record's (snake case).
 */
public final class RevocationJson {
  private RevocationJson() {}

  public static String write(Revocation r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", r.id());
    out.put("target", target(r.target()));
    out.put("roles", r.roles());
    out.put("secrets", r.secrets());
    out.put("before", r.before().toString());
    out.put("all_tokens", r.allTokens());
    out.put("reason", r.reason());
    out.put("revoked_by", r.revokedBy());
    out.put("created", r.created().toString());
    r.expires().ifPresent(e -> out.put("expires", e.toString()));
    StringBuilder text = new StringBuilder(256);
    JsonText.value(text, out);
    return text.toString();
  }

  /** Reads one revocation; the message of the exception says what is wrong, never echoing it. */
  public static Revocation read(String json) {
    Map<String, Object> in;
    try {
      in = JSONObjectUtils.parse(json);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a JSON object");
    }
    try {
      return new Revocation(text(in, "id"), target(in.get("target")), strings(in, "roles"),
          strings(in, "secrets"), instant(in, "before"),
          Boolean.TRUE.equals(in.get("all_tokens")), text(in, "reason"), text(in, "revoked_by"),
          instant(in, "created"), in.containsKey("expires") ? Optional.of(instant(in, "expires"))
              : Optional.empty());
    } catch (ClassCastException | DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException("a revocation field has the wrong type or format");
    }
  }

  private static Map<String, Object> target(RevocationTarget target) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (target instanceof RevocationTarget.Subject s) {
      out.put("issuer", s.issuer());
      out.put("subject", s.subject());
    } else if (target instanceof RevocationTarget.ClientId c) {
      out.put("client_id", c.clientId());
    } else if (target instanceof RevocationTarget.TokenHash t) {
      out.put("token_hash", t.tokenHash());
    } else if (target instanceof RevocationTarget.SourceIdentity i) {
      out.put("source_identity", i.sourceIdentity());
    }
    return out;
  }

  private static RevocationTarget target(Object value) {
    if (!(value instanceof Map<?, ?> t) || t.size() != (t.containsKey("subject") ? 2 : 1)) {
      throw new IllegalArgumentException("target must name exactly one of subject (with"
          + " issuer), client_id, token_hash, source_identity");
    }
    if (t.containsKey("subject")) {
      return new RevocationTarget.Subject((String) t.get("issuer"), (String) t.get("subject"));
    }
    if (t.containsKey("client_id")) {
      return new RevocationTarget.ClientId((String) t.get("client_id"));
    }
    if (t.containsKey("token_hash")) {
      return new RevocationTarget.TokenHash((String) t.get("token_hash"));
    }
    if (t.containsKey("source_identity")) {
      return new RevocationTarget.SourceIdentity((String) t.get("source_identity"));
    }
    throw new IllegalArgumentException("target must name exactly one of subject (with issuer),"
        + " client_id, token_hash, source_identity");
  }

  private static String text(Map<String, Object> in, String key) {
    return (String) in.get(key);
  }

  private static Instant instant(Map<String, Object> in, String key) {
    return Instant.parse((String) in.get(key));
  }

  private static List<String> strings(Map<String, Object> in, String key) {
    List<String> out = new ArrayList<>();
    if (in.get(key) instanceof List<?> list) {
      for (Object o : list) {
        out.add((String) o);
      }
    } else if (in.containsKey(key)) {
      throw new IllegalArgumentException(key + " must be a list of aliases");
    }
    return out;
  }
}
