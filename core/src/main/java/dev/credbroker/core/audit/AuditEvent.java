package dev.credbroker.core.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One decision as the audit log records it: who asked for what, from where, what was decided and
 * why, and what was handed out. It holds identifiers only: the token as a short hash, a credential
 * by its access key id, a secret by its version id. Nothing in it is secret.
 */
public record AuditEvent(
    Instant time,
    String requestId,
    String rpc,
    Optional<Caller> caller,
    String peerAddress,
    String tokenHash,
    Optional<String> role,
    Optional<String> secret,
    Decision decision,
    List<String> ruleIds,
    String reason,
    String status,
    Optional<IssuedCredential> credential,
    Optional<SecretRead> secretRead,
    Cache cache,
    String awsRequestId,
    Duration latency) {

  /** The schema version written into every record; bumped only for incompatible changes. */
  public static final int SCHEMA_VERSION = 1;

  /** Allow: something was handed out or shown. Deny: policy or authentication said no. */
  public enum Decision { ALLOW, DENY, ERROR }

  /**
   * Whether the answer came from the broker's cache; {@code STALE}: from the cache past its TTL,
   * within the stale grace, because AWS was unreachable.
   */
  public enum Cache { NOT_APPLICABLE, HIT, MISS, STALE }

  /** The verified caller: the claims kept are the ones the configuration chose. */
  public record Caller(String issuer, String subject, String clientId, Map<String, Object> claims) {
    public Caller {
      claims = Map.copyOf(claims);
    }
  }

  /** A credential by its public parts: never the secret key or session token. */
  public record IssuedCredential(String accessKeyId, String sessionName, String sourceIdentity,
      Instant expiration, String assumedRoleArn) {}

  /** A secret read by its version: never the value. */
  public record SecretRead(String versionId, List<String> versionStages) {
    public SecretRead {
      versionStages = List.copyOf(versionStages);
    }
  }

  public AuditEvent {
    ruleIds = List.copyOf(ruleIds);
  }
}
