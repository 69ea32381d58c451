package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.proto.v1.AuditRecord;
import dev.credbroker.proto.v1.CacheResult;
import dev.credbroker.proto.v1.Caller;
import dev.credbroker.proto.v1.Decision;
import dev.credbroker.proto.v1.IssuedCredential;
import dev.credbroker.proto.v1.SecretRead;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Audit records as read from a file, converted to their wire form for SearchAudit. */
final class AuditRecords {
  private AuditRecords() {}

  static AuditRecord toProto(AuditEntry e) {
    AuditRecord.Builder b = AuditRecord.newBuilder()
        .setSchemaVersion((int) e.number("v"))
        .setTime(ProtoValues.timestamp(e.time()))
        .setRequestId(e.field("request_id"))
        .setRpc(e.field("rpc"))
        .setPeerAddress(e.field("peer_address"))
        .setRole(e.field("role"))
        .setSecret(e.field("secret"))
        .setDecision(switch (e.decision()) {
          case ALLOW -> Decision.DECISION_ALLOW;
          case DENY -> Decision.DECISION_DENY;
          case ERROR -> Decision.DECISION_ERROR;
        })
        .addAllRuleIds(strings(e.fields().get("rule_ids")))
        .setReason(e.field("reason"))
        .setStatusCode(statusCode(e.field("status")))
        .setCache(switch (e.field("cache")) {
          case "hit" -> CacheResult.CACHE_RESULT_HIT;
          case "miss" -> CacheResult.CACHE_RESULT_MISS;
          case "stale" -> CacheResult.CACHE_RESULT_STALE;
          default -> CacheResult.CACHE_RESULT_NOT_APPLICABLE;
        })
        .setAwsRequestId(e.field("aws_request_id"))
        .setLatency(ProtoValues.duration(Duration.ofNanos(e.number("latency_us") * 1000)))
        .setTokenHash(e.field("token_hash"))
        .setSequence(e.number("seq"))
        .setPreviousHash(e.field("prev"))
        .setRecordHash(e.field("hash"));
    Map<String, Object> caller = e.object("caller");
    if (!caller.isEmpty()) {
      Caller.Builder c = Caller.newBuilder().setIssuer(text(caller, "issuer"))
          .setSubject(text(caller, "subject")).setClientId(text(caller, "client_id"));
      if (caller.get("claims") instanceof Map<?, ?> claims) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) claims;
        c.setClaims(ProtoValues.struct(typed));
      }
      b.setCaller(c);
    }
    Map<String, Object> credential = e.object("credential");
    if (!credential.isEmpty()) {
      IssuedCredential.Builder c = IssuedCredential.newBuilder()
          .setAccessKeyId(text(credential, "access_key_id"))
          .setSessionName(text(credential, "session_name"))
          .setSourceIdentity(text(credential, "source_identity"))
          .setAssumedRoleArn(text(credential, "assumed_role_arn"));
      instant(text(credential, "expiration")).ifPresent(t -> c.setExpiration(ProtoValues.timestamp(t)));
      b.setCredential(c);
    }
    Map<String, Object> read = e.object("secret_read");
    if (!read.isEmpty()) {
      b.setSecretRead(SecretRead.newBuilder().setVersionId(text(read, "version_id"))
          .addAllVersionStages(strings(read.get("version_stages"))));
    }
    return b.build();
  }

  /** A record's status by name; UNKNOWN for a name no gRPC code has. */
  private static int statusCode(String name) {
    return StatusCode.fromWire(name).map(StatusCodes::of).orElse(Status.Code.UNKNOWN).value();
  }

  private static String text(Map<String, Object> m, String key) {
    return m.get(key) instanceof String s ? s : "";
  }

  private static List<String> strings(Object list) {
    return list instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }

  private static java.util.Optional<Instant> instant(String text) {
    try {
      return java.util.Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }
}
