package dev.credbroker.core.revocation;

import java.util.Objects;

/**
 * Whom a revocation names. A subject is only unique within its issuer, so it carries both; a
 * token hash is the audit log's 16-hex-digit correlation hash of one bearer token.
 */
public sealed interface RevocationTarget {

  /** Every token of one user or workload at one identity provider. */
  record Subject(String issuer, String subject) implements RevocationTarget {
    public Subject {
      Revocation.requireText("issuer", issuer);
      Revocation.requireText("subject", subject);
    }
  }

  /** Every token issued to one OAuth client ({@code azp} or {@code client_id}). */
  record ClientId(String clientId) implements RevocationTarget {
    public ClientId {
      Revocation.requireText("client id", clientId);
    }
  }

  /** One bearer token, by the hash the audit log records. */
  record TokenHash(String tokenHash) implements RevocationTarget {
    public TokenHash {
      Objects.requireNonNull(tokenHash, "tokenHash");
      if (!tokenHash.matches("[0-9a-f]{16}")) {
        throw new IllegalArgumentException("a token hash is 16 lowercase hex digits, as the audit"
            + " log's token_hash");
      }
    }
  }

  /** Every session the broker sets this STS SourceIdentity on. */
  record SourceIdentity(String sourceIdentity) implements RevocationTarget {
    public SourceIdentity {
      Objects.requireNonNull(sourceIdentity, "sourceIdentity");
      if (!sourceIdentity.matches("[\\w+=,.@-]{2,64}")) {
        throw new IllegalArgumentException("a source identity is 2-64 of letters, digits and"
            + " _+=,.@- (STS's pattern)");
      }
    }
  }
}
