package dev.credbroker.server.revocation;

import dev.credbroker.core.digest.CallerDigest;
import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationTarget;
import dev.credbroker.core.revocation.Revocations;
import dev.credbroker.server.aws.AssumeRoleCall;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.SecretCache;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a new revocation does to the caches, so that nothing minted before its cut-off is handed
 * out again even to a newer token of the same identity: the target's cached credentials are
 * dropped (by the caller digest every session name ends with, or by source identity; for a client
 * id or a token hash, which no cache key holds, every credential), and every cached secret value,
 * so the next read picks up a rotation made in response.
 */
public final class RevocationEffects {
  private static final Logger log = LoggerFactory.getLogger(RevocationEffects.class);

  private final CredentialCache credentials;
  private final Optional<SecretCache> secrets;
  private final Set<String> seen = new HashSet<>();

  public RevocationEffects(CredentialCache credentials, Optional<SecretCache> secrets) {
    this.credentials = credentials;
    this.secrets = secrets;
  }

  /** Applies the revocations in {@code list} not seen before; a listener of the book. */
  public synchronized void apply(Revocations list) {
    boolean any = false;
    for (Revocation r : list.all()) {
      if (seen.add(r.id())) {
        credentials.dropIf(matching(r.target()));
        any = true;
        log.info("revocation {} in force: cached credentials of its target dropped", r.id());
      }
    }
    if (any) {
      secrets.ifPresent(SecretCache::dropAll);
    }
  }

  static Predicate<AssumeRoleCall> matching(RevocationTarget target) {
    if (target instanceof RevocationTarget.Subject s) {
      String suffix = "." + CallerDigest.of(s.issuer(), s.subject());
      return call -> call.sessionName().endsWith(suffix);
    }
    if (target instanceof RevocationTarget.SourceIdentity s) {
      Optional<String> identity = Optional.of(s.sourceIdentity());
      return call -> call.sourceIdentity().equals(identity);
    }
    return call -> true;
  }
}
