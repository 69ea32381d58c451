package dev.credbroker.core.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision as the audit log records it: who asked for what, from where, what was decided and
 * why, and what was handed out. It holds identifiers only: the token as a short hash, a credential
 * by its access key id, a secret by its version id. Nothing in it is secret.
 */
public record AuditEvent(
    Instant time,
    String requestId,
    Rpc rpc,
    Optional<Caller> caller,
    String peerAddress,
    String tokenHash,
    Optional<String> role,
    Optional<String> secret,
    Decision decision,
    List<String> ruleIds,
    String reason,
    StatusCode status,
    Optional<IssuedCredential> credential,
    Optional<SecretRead> secretRead,
    Cache cache,
    String awsRequestId,
    Duration latency,
    Optional<Unverified> unverified) {

  /** The schema version written into every record; bumped only for incompatible changes. */
  public static final int SCHEMA_VERSION = 1;

  /** Allow: something was handed out or shown. Deny: policy or authentication said no. */
  public enum Decision { ALLOW, DENY, ERROR }

  /**
   * Whether the answer came from the broker's cache; {@code STALE}: from the cache past its TTL,
   * within the stale grace, because AWS was unreachable.
   */
  public enum Cache { NOT_APPLICABLE, HIT, MISS, STALE }

  /**
   * The verified caller: the claims kept are the ones the configuration chose. Encoded once, when
   * made: the broker keeps one per verified token, which serves many calls.
   */
  public static final class Caller {
    private final String issuer;
    private final String subject;
    private final String clientId;
    private final Map<String, Object> claims;
    private final String json;

    public Caller(String issuer, String subject, String clientId, Map<String, Object> claims) {
      this.issuer = issuer;
      this.subject = subject;
      this.clientId = clientId;
      this.claims = Map.copyOf(claims);
      this.json = AuditJson.caller(this);
    }

    public String issuer() {
      return issuer;
    }

    public String subject() {
      return subject;
    }

    public String clientId() {
      return clientId;
    }

    public Map<String, Object> claims() {
      return claims;
    }

    /** The record's {@code caller} field, comma first. */
    String json() {
      return json;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Caller c && issuer.equals(c.issuer) && subject.equals(c.subject)
          && clientId.equals(c.clientId) && claims.equals(c.claims);
    }

    @Override
    public int hashCode() {
      return Objects.hash(issuer, subject, clientId, claims);
    }

    @Override
    public String toString() {
      return "Caller[issuer=" + issuer + ", subject=" + subject + ", clientId=" + clientId
          + ", claims=" + claims + "]";
    }
  }

  /**
   * A credential by its public parts: never the secret key or session token. Encoded once, when
   * made: the broker keeps one per cached credential, which serves many calls.
   */
  public static final class IssuedCredential {
    private final String accessKeyId;
    private final String sessionName;
    private final String sourceIdentity;
    private final Instant expiration;
    private final String assumedRoleArn;
    private final String json;

    public IssuedCredential(String accessKeyId, String sessionName, String sourceIdentity,
        Instant expiration, String assumedRoleArn) {
      this.accessKeyId = accessKeyId;
      this.sessionName = sessionName;
      this.sourceIdentity = sourceIdentity;
      this.expiration = expiration;
      this.assumedRoleArn = assumedRoleArn;
      this.json = AuditJson.credential(this);
    }

    public String accessKeyId() {
      return accessKeyId;
    }

    public String sessionName() {
      return sessionName;
    }

    public String sourceIdentity() {
      return sourceIdentity;
    }

    public Instant expiration() {
      return expiration;
    }

    public String assumedRoleArn() {
      return assumedRoleArn;
    }

    /** The record's {@code credential} field, comma first. */
    String json() {
      return json;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IssuedCredential c && accessKeyId.equals(c.accessKeyId)
          && sessionName.equals(c.sessionName) && sourceIdentity.equals(c.sourceIdentity)
          && expiration.equals(c.expiration) && assumedRoleArn.equals(c.assumedRoleArn);
    }

    @Override
    public int hashCode() {
      return Objects.hash(accessKeyId, sessionName, sourceIdentity, expiration, assumedRoleArn);
    }

    @Override
    public String toString() {
      return "IssuedCredential[accessKeyId=" + accessKeyId + ", sessionName=" + sessionName
          + ", sourceIdentity=" + sourceIdentity + ", expiration=" + expiration
          + ", assumedRoleArn=" + assumedRoleArn + "]";
    }
  }

  /** A secret read by its version: never the value. */
  public record SecretRead(String versionId, List<String> versionStages) {
    public SecretRead {
      versionStages = List.copyOf(versionStages);
    }
  }

  /**
   * What a refused token claimed, read without verifying it: who someone tried to be. Never
   * confused with a verified {@link Caller} (its own record field, no search filter matches it).
   * Each value is cut to {@link #MAX_CHARS} characters; JSON encoding escapes the rest.
   */
  public record Unverified(String issuer, String subject, String kid) {
    public static final int MAX_CHARS = 256;

    public Unverified {
      issuer = cut(issuer);
      subject = cut(subject);
      kid = cut(kid);
    }

    /** Empty when the token claimed none of the three. */
    public static Optional<Unverified> of(String issuer, String subject, String kid) {
      Unverified u = new Unverified(issuer, subject, kid);
      return u.issuer.isEmpty() && u.subject.isEmpty() && u.kid.isEmpty() ? Optional.empty()
          : Optional.of(u);
    }

    private static String cut(String value) {
      if (value == null) {
        return "";
      }
      if (value.length() <= MAX_CHARS) {
        return value;
      }
      int end = Character.isHighSurrogate(value.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
      return value.substring(0, end);
    }
  }

  public AuditEvent {
    ruleIds = List.copyOf(ruleIds);
  }

  /** A record without unverified claims: every record but a refused token's. */
  public AuditEvent(Instant time, String requestId, Rpc rpc, Optional<Caller> caller,
      String peerAddress, String tokenHash, Optional<String> role, Optional<String> secret,
      Decision decision, List<String> ruleIds, String reason, StatusCode status,
      Optional<IssuedCredential> credential, Optional<SecretRead> secretRead, Cache cache,
      String awsRequestId, Duration latency) {
    this(time, requestId, rpc, caller, peerAddress, tokenHash, role, secret, decision, ruleIds,
        reason, status, credential, secretRead, cache, awsRequestId, latency, Optional.empty());
  }
}
