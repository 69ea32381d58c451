package dev.credbroker.server.auth;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.model.ClaimPath;
import dev.credbroker.core.revocation.Revocations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A caller whose token passed every check. Only this package can create one, so holding a
 * {@code VerifiedIdentity} proves the signature, issuer, audience and lifetime were checked.
 * Claims are a deep immutable copy with JSON types only: String, Long, Double, Boolean, List, Map.
 */
public final class VerifiedIdentity {
  private final String issuer;
  private final String subject;
  private final Instant expiresAt;
  private final Optional<Instant> issuedAt;
  private final List<String> audiences;
  private final Map<String, Object> claims;
  private final String tokenHash;
  private final Instant acceptUntil;
  private volatile int weight = 1;
  private volatile Revocations.Caller revocationFacts;
  private volatile AuditView auditView;

  /** The caller as records show it, for one list of kept claims. */
  private record AuditView(List<String> kept, AuditEvent.Caller caller) {}

  VerifiedIdentity(String issuer, String subject, Instant expiresAt, Optional<Instant> issuedAt,
      List<String> audiences, Map<String, Object> claims, String tokenHash, Instant acceptUntil) {
    this.issuer = issuer;
    this.subject = subject;
    this.expiresAt = expiresAt;
    this.issuedAt = issuedAt;
    this.audiences = List.copyOf(audiences);
    this.claims = immutableMap(claims);
    this.tokenHash = tokenHash;
    this.acceptUntil = acceptUntil;
  }

  void weigh(int bytes) {
    weight = Math.max(1, bytes);
  }

  int weight() {
    return weight;
  }

  /** When the token stops being acceptable: {@code exp}, or earlier under {@code max_token_age}. */
  Instant acceptUntil() {
    return acceptUntil;
  }

  public String issuer() {
    return issuer;
  }

  public String subject() {
    return subject;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public Optional<Instant> issuedAt() {
    return issuedAt;
  }

  public List<String> audiences() {
    return audiences;
  }

  /** Every claim of the token, nested objects and arrays included. */
  public Map<String, Object> claims() {
    return claims;
  }

  public Optional<Object> claim(ClaimPath path) {
    return path.lookup(claims);
  }

  /**
   * What a revocation can name of this caller: issuer and subject, client id, token hash and when
   * the token was issued. Made once per identity (a verified token is cached and serves many
   * calls).
   */
  public Revocations.Caller revocationFacts() {
    Revocations.Caller facts = revocationFacts;
    if (facts == null) {
      facts = new Revocations.Caller(issuer, subject, clientId(), tokenHash, issuedAt);
      revocationFacts = facts;
    }
    return facts;
  }

  /** The OAuth client the token was issued to ({@code azp}, else {@code client_id}), if any. */
  public Optional<String> clientId() {
    if (claims.get("azp") instanceof String azp && !azp.isEmpty()) {
      return Optional.of(azp);
    }
    return claims.get("client_id") instanceof String id && !id.isEmpty() ? Optional.of(id)
        : Optional.empty();
  }

  /**
   * This caller as audit records show it, with the claims named in {@code kept} (those present).
   * Made, and encoded, once per identity and list: a verified token is cached and serves many
   * calls, each with a record.
   */
  public AuditEvent.Caller auditCaller(List<String> kept) {
    AuditView view = auditView;
    if (view == null || view.kept() != kept) {
      Map<String, Object> claimsKept = new LinkedHashMap<>();
      for (String name : kept) {
        Object value = claims.get(name);
        if (value != null) {
          claimsKept.put(name, value);
        }
      }
      view = new AuditView(kept, new AuditEvent.Caller(issuer, subject, clientId().orElse(""),
          claimsKept));
      auditView = view;
    }
    return view.caller();
  }

  /** First 16 hex digits of SHA-256 over the token: correlates records, reveals nothing. */
  public String tokenHash() {
    return tokenHash;
  }

  @Override
  public String toString() {
    return "VerifiedIdentity[issuer=" + issuer + ", subject=" + subject + ", expiresAt="
        + expiresAt + "]";
  }

  private static Map<String, Object> immutableMap(Map<?, ?> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> {
      Object copy = immutable(v);
      if (copy != null) {
        out.put(String.valueOf(k), copy);
      }
    });
    return Map.copyOf(out); // immutable, so PolicyInput's Map.copyOf per request copies nothing
  }

  private static Object immutable(Object v) {
    if (v instanceof Map<?, ?> m) {
      return immutableMap(m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object e : l) {
        Object copy = immutable(e);
        if (copy != null) {
          out.add(copy);
        }
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.util.Date d) {
      return d.getTime() / 1000; // NumericDate, RFC 7519 section 2
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    return v == null ? null : String.valueOf(v);
  }
}
