package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Audit events for tests: a credential issuance with chosen caller, role, decision and time. */
final class AuditEvents {
  private AuditEvents() {}

  static AuditEvent issued(String subject, String role, AuditEvent.Decision decision, Instant time) {
    boolean allowed = decision == AuditEvent.Decision.ALLOW;
    return new AuditEvent(time, "req-" + subject + "-" + time.toEpochMilli() + "-" + System.nanoTime(),
        Rpc.GET_AWS_CREDENTIALS,
        Optional.of(new AuditEvent.Caller("https://idp.example", subject, "cli",
            Map.of("groups", List.of("dev", "ops\u2028\"quoted\"")))),
        "127.0.0.1:5000", "0123456789abcdef", Optional.of(role), Optional.empty(), decision,
        List.of("rule-a"), allowed ? "role '" + role + "' allowed by rule rule-a" : "denied",
        allowed ? StatusCode.OK : StatusCode.PERMISSION_DENIED,
        allowed ? Optional.of(new AuditEvent.IssuedCredential("ASIAEXAMPLE" + subject, "s." + subject,
            "", time.plusSeconds(3600), "arn:aws:sts::123456789012:assumed-role/" + role + "/s"))
            : Optional.empty(),
        Optional.empty(), allowed ? AuditEvent.Cache.MISS : AuditEvent.Cache.NOT_APPLICABLE,
        allowed ? "aws-req-1" : "", Duration.ofMillis(3));
  }

  static AuditEvent whoAmI(Instant time) {
    return new AuditEvent(time, "req-who", Rpc.WHO_AM_I, Optional.empty(), "127.0.0.1:5000", "",
        Optional.empty(), Optional.empty(), AuditEvent.Decision.ALLOW, List.of(), "authenticated",
        StatusCode.OK, Optional.empty(), Optional.empty(), AuditEvent.Cache.NOT_APPLICABLE, "",
        Duration.ZERO);
  }
}
