package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.core.config.AuditConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up signed checkpoints when the writer opens: loads (or, on first start, creates) the
 * signing key, and checks the live file before extending it, so a forged or unsigned tail stops
 * the broker instead of being sealed with a good signature.
 */
final class ChainSealing {
  private static final Logger log = LoggerFactory.getLogger(ChainSealing.class);

  private ChainSealing() {}

  /** The writer's checkpoints; empty when there is no key (stdout without signing_key). */
  static Optional<Checkpoints> open(AuditConfig config, Clock clock, AuditSink.ChainHead head)
      throws IOException {
    Optional<Path> keyFile = config.signingKey();
    if (keyFile.isEmpty()) {
      log.warn("audit checkpoints are off: the stdout sink has no signing key; set"
          + " audit.signing_key to sign the chain");
      return Optional.empty();
    }
    boolean created = !Files.exists(keyFile.get());
    AuditSigner signer = AuditSigner.loadOrCreate(keyFile.get());
    long lastCheckpoint = 0;
    if (config.file().isPresent() && head.seq() > 0) {
      lastCheckpoint = AuditVerifier.checkResume(fileHolding(config.file().get()),
          signer.publicKey());
    }
    String summary = "audit checkpoints are signed with Ed25519 key " + signer.keyId() + " ("
        + (created ? "created now; " : "") + "public key " + AuditSigner.publicKeyFile(
            keyFile.get()) + ", for 'credbroker audit verify --public-key')";
    return Optional.of(new Checkpoints(signer, config.brokerId(),
        config.sealing().checkpointInterval(), clock.instant(), lastCheckpoint, summary));
  }

  /** The live file, or the newest rotated one when the live file has no record yet. */
  private static Path fileHolding(Path live) throws IOException {
    if (Files.exists(live) && Files.size(live) > 0) {
      return live;
    }
    return AuditFiles.newestRotated(live).orElse(live);
  }
}
