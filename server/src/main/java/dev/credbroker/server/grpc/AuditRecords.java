package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.proto.v1.AuditRecord;
import dev.credbroker.proto.v1.Caller;
import dev.credbroker.proto.v1.IssuedCredential;
import dev.credbroker.proto.v1.SecretRead;
import dev.credbroker.proto.v1.Unverified;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Audit records as read from a file, converted to their wire form for SearchAudit. */
final class AuditRecords {
  private AuditRecords() {}

  /**
   * The record's fields under their own names and values, plus its line exactly as written
   * ({@code record}) and, from the store, the broker that wrote it.
   */
  static AuditRecord toProto(AuditEntry e) {
    AuditRecord.Builder b = AuditRecord.newBuilder()
        .setV((int) e.number("v"))
        .setTime(ProtoValues.timestamp(e.time()))
        .setRequestId(e.field("request_id"))
        .setRpc(e.field("rpc"))
        .setPeerAddress(e.field("peer_address"))
        .setRole(e.field("role"))
        .setSecret(e.field("secret"))
        .setDecision(e.field("decision"))
        .addAllRuleIds(strings(e.fields().get("rule_ids")))
        .setReason(e.field("reason"))
        .setStatus(e.field("status"))
        .setCache(e.field("cache"))
        .setAwsRequestId(e.field("aws_request_id"))
        .setLatencyUs(Math.max(0, e.number("latency_us")))
        .setTokenHash(e.field("token_hash"))
        .setSeq(e.number("seq"))
        .setPrev(e.field("prev"))
        .setHash(e.field("hash"))
        .setBrokerId(e.field("broker_id"))
        .setRecord(e.json());
    Map<String, Object> unverified = e.object("unverified");
    if (!unverified.isEmpty()) {
      b.setUnverified(Unverified.newBuilder().setIssuer(text(unverified, "issuer"))
          .setSubject(text(unverified, "subject")).setKid(text(unverified, "kid")));
    }
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
