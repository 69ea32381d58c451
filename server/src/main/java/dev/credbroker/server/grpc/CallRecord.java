package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.server.model.Outcome;
import java.util.List;
import java.util.Optional;

/**
 * The audit record of one call: a pure function of the call's facts, its RPC and its outcome.
 * Everything any record of any RPC says about an outcome is decided here, e.g. a denied
 * GetSecretValue: decision {@code deny}, status {@code PERMISSION_DENIED}, the policy's rule ids
 * and reason (never shown to the caller), the caller, the secret alias it asked for, and no read.
 */
final class CallRecord {
  private CallRecord() {}

  static AuditEvent of(CallFacts call, Rpc rpc, Outcome<?> outcome) {
    if (outcome instanceof Outcome.Allowed<?> allowed) {
      Outcome.Handed handed = allowed.handed();
      if (handed instanceof Outcome.Handed.Credential c) {
        return event(call, rpc, AuditEvent.Decision.ALLOW, allowed.ruleIds(), allowed.reason(),
            StatusCode.OK, Optional.of(c.credential()), Optional.empty(), c.cache(),
            c.awsRequestId());
      }
      if (handed instanceof Outcome.Handed.SecretRead s) {
        return event(call, rpc, AuditEvent.Decision.ALLOW, allowed.ruleIds(), allowed.reason(),
            StatusCode.OK, Optional.empty(), Optional.of(s.read()), s.cache(), s.awsRequestId());
      }
      return event(call, rpc, AuditEvent.Decision.ALLOW, allowed.ruleIds(), allowed.reason(),
          StatusCode.OK, Optional.empty(), Optional.empty(), AuditEvent.Cache.NOT_APPLICABLE, "");
    }
    if (outcome instanceof Outcome.Denied<?> denied) {
      return event(call, rpc, AuditEvent.Decision.DENY, denied.decision().ruleIds(),
          denied.decision().reason(), StatusCode.PERMISSION_DENIED, Optional.empty(),
          Optional.empty(), AuditEvent.Cache.NOT_APPLICABLE, "");
    }
    if (outcome instanceof Outcome.Revoked<?> revoked) {
      return event(call, rpc, AuditEvent.Decision.DENY, List.of(), "revoked ("
          + revoked.revocationId() + "): " + revoked.reason(), StatusCode.PERMISSION_DENIED,
          Optional.empty(), Optional.empty(), AuditEvent.Cache.NOT_APPLICABLE, "");
    }
    if (outcome instanceof Outcome.Limited<?> limited) { // a refusal, not a failure: deny
      return event(call, rpc, AuditEvent.Decision.DENY, List.of(), limited.description(),
          StatusCode.RESOURCE_EXHAUSTED, Optional.empty(), Optional.empty(),
          AuditEvent.Cache.NOT_APPLICABLE, "");
    }
    if (outcome instanceof Outcome.Unauthenticated<?> refused) {
      return event(call, rpc, AuditEvent.Decision.DENY, List.of(), refused.reason(),
          StatusCode.UNAUTHENTICATED, Optional.empty(), Optional.empty(),
          AuditEvent.Cache.NOT_APPLICABLE, "", call.unverified());
    }
    Outcome.Failed<?> failed = (Outcome.Failed<?>) outcome; // the last of the sealed six
    return event(call, rpc, AuditEvent.Decision.ERROR, failed.ruleIds(), failed.description(),
        failed.status(), Optional.empty(), Optional.empty(), AuditEvent.Cache.NOT_APPLICABLE, "");
  }

  private static AuditEvent event(CallFacts call, Rpc rpc, AuditEvent.Decision decision,
      List<String> ruleIds, String reason, StatusCode status,
      Optional<AuditEvent.IssuedCredential> credential, Optional<AuditEvent.SecretRead> read,
      AuditEvent.Cache cache, String awsRequestId) {
    return event(call, rpc, decision, ruleIds, reason, status, credential, read, cache,
        awsRequestId, Optional.empty());
  }

  /** {@code unverified}: only a refused token's record says what the token claimed. */
  private static AuditEvent event(CallFacts call, Rpc rpc, AuditEvent.Decision decision,
      List<String> ruleIds, String reason, StatusCode status,
      Optional<AuditEvent.IssuedCredential> credential, Optional<AuditEvent.SecretRead> read,
      AuditEvent.Cache cache, String awsRequestId, Optional<AuditEvent.Unverified> unverified) {
    return new AuditEvent(call.time(), call.requestId(), rpc, call.caller(), call.peerAddress(),
        call.tokenHash(), call.asked().role(), call.asked().secret(), decision, ruleIds, reason,
        status, credential, read, cache, awsRequestId, call.latency(), unverified);
  }
}
