package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a call's record says about the call itself, whatever its outcome: when and from where it
 * came, which token (as a short hash), who the caller was once the token was verified, what it
 * asked for once that was checked, and how long it took; for a refused token, what it claimed
 * (unverified).
 */
record CallFacts(Instant time, String requestId, String peerAddress, String tokenHash,
    Optional<AuditEvent.Caller> caller, Asked asked, Duration latency,
    Optional<AuditEvent.Unverified> unverified) {}
