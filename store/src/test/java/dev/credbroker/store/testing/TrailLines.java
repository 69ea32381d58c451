package dev.credbroker.store.testing;

import dev.credbroker.core.audit.AuditChain;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditJson;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.CheckpointFormat;
import dev.credbroker.core.audit.RecordBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One broker's chain built the way the broker writes it (core's record format, chain and
 * checkpoint signatures), as lines without their newlines: for store tests that need real
 * records without running a broker.
 */
public final class TrailLines {
  private final String brokerId;
  private final AuditSigner signer;
  private final List<byte[]> lines = new ArrayList<>();
  private long seq;
  private String prev = AuditChain.GENESIS;

  public TrailLines(String brokerId, AuditSigner signer) {
    this.brokerId = brokerId;
    this.signer = signer;
  }

  /** Appends a decision: an issued credential for {@code subject} when allowed. */
  public TrailLines decision(Instant time, String subject, String role, AuditEvent.Decision d,
      String accessKeyId) {
    Optional<AuditEvent.IssuedCredential> credential = accessKeyId.isEmpty() ? Optional.empty()
        : Optional.of(new AuditEvent.IssuedCredential(accessKeyId, subject + ".s", "",
            time.plusSeconds(3600), "arn:aws:sts::123456789012:assumed-role/" + role + "/x"));
    AuditEvent e = new AuditEvent(time, "req-" + brokerId + "-" + (seq + 1),
        dev.credbroker.core.audit.Rpc.GET_AWS_CREDENTIALS,
        Optional.of(new AuditEvent.Caller("https://idp.example", subject, "client-" + subject,
            Map.of())), "10.0.0.1:1234", "0123456789abcdef", Optional.of(role), Optional.empty(),
        d, List.of("rule-1"), "because", d == AuditEvent.Decision.ALLOW
            ? dev.credbroker.core.audit.StatusCode.OK
            : dev.credbroker.core.audit.StatusCode.PERMISSION_DENIED, credential, Optional.empty(), AuditEvent.Cache.MISS, "",
        Duration.ofMillis(3));
    return append(AuditJson.decision(e));
  }

  /** Appends a decision record for any event, as the broker's writer encodes it. */
  public TrailLines decision(AuditEvent e) {
    return append(AuditJson.decision(e));
  }

  /** Appends a signed checkpoint over the head so far. */
  public TrailLines checkpoint(Instant time) {
    return append(CheckpointFormat.signedBody(signer, brokerId, time, seq, prev,
        Duration.ofMinutes(1)));
  }

  public List<byte[]> lines() {
    return List.copyOf(lines);
  }

  /** The lines as the shipper hands them to the store. */
  public List<dev.credbroker.store.StoredRecord> stored() {
    return lines.stream().map(l -> dev.credbroker.store.StoredRecord.of(l).orElseThrow())
        .toList();
  }

  public long seq() {
    return seq;
  }

  public String head() {
    return prev;
  }

  private TrailLines append(byte[] body) {
    RecordBuffer out = new RecordBuffer(1024);
    AuditJson.record(out, ++seq, body, prev);
    prev = AuditChain.seal(out, 0);
    byte[] all = new byte[out.size()];
    out.view().get(all);
    lines.add(java.util.Arrays.copyOf(all, all.length - 1)); // without the newline
    return this;
  }

  public static String text(byte[] line) {
    return new String(line, StandardCharsets.UTF_8);
  }
}
