package dev.credbroker.server.grpc;

import dev.credbroker.core.limits.Limits;
import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationTarget;
import dev.credbroker.proto.v1.RevokeRequest;
import dev.credbroker.proto.v1.SubjectTarget;
import dev.credbroker.server.auth.VerifiedIdentity;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * AdminService's requests checked field by field (every mistake is INVALID_ARGUMENT naming the
 * field), and revocations to and from their proto form.
 */
final class RevocationRequests {
  /** A cut-off a little in the future allows for clock skew between the admin and the broker. */
  static final Duration MAX_FUTURE_CUT_OFF = Duration.ofMinutes(5);
  static final Duration MAX_EXPIRY = Duration.ofDays(366);
  private static final SecureRandom RANDOM = new SecureRandom();

  private RevocationRequests() {}

  /** A Revoke request once checked. */
  record Checked(RevocationTarget target, List<String> roles, List<String> secrets,
      Instant before, boolean allTokens, String reason, Optional<Duration> expiresAfter) {}

  static Checked check(RevokeRequest r, Instant now) {
    RevocationTarget target = target(r);
    List<String> roles = aliases(r.getRolesList(), "roles");
    List<String> secrets = aliases(r.getSecretsList(), "secrets");
    Instant before = r.hasBefore() ? ProtoInputs.timestamp(r.getBefore(), "before") : now;
    if (before.isAfter(now.plus(MAX_FUTURE_CUT_OFF))) {
      throw ProtoInputs.invalid("before is more than 5 minutes in the future; a cut-off is now"
          + " or earlier");
    }
    String reason = r.getReason();
    if (reason.isBlank() || reason.length() > Revocation.MAX_REASON
        || reason.chars().anyMatch(Character::isISOControl)) {
      throw ProtoInputs.invalid("reason is required: 1-" + Revocation.MAX_REASON + " characters"
          + " on one line (an incident or ticket reference)");
    }
    Optional<Duration> expiresAfter = Optional.empty();
    if (r.hasExpiresAfter()) {
      Duration d = ProtoInputs.duration(r.getExpiresAfter(), "expires_after");
      if (d.isNegative() || d.isZero() || d.compareTo(MAX_EXPIRY) > 0) {
        throw ProtoInputs.invalid("expires_after must be above 0s and at most 366 days; omit it"
            + " for the default");
      }
      expiresAfter = Optional.of(d);
    }
    return new Checked(target, roles, secrets, before, r.getAllTokens(), reason, expiresAfter);
  }

  /** The revocation a checked request makes, by {@code admin}, with a new random id. */
  static Revocation revocation(Checked c, VerifiedIdentity admin, Instant now,
      Duration longestSession) {
    Optional<Instant> expires = c.expiresAfter().map(c.before()::plus)
        .or(() -> c.allTokens() ? Optional.empty()
            : Optional.of(c.before().plus(longestSession)));
    byte[] id = new byte[6];
    RANDOM.nextBytes(id);
    return new Revocation("rv-" + HexFormat.of().formatHex(id), c.target(), c.roles(),
        c.secrets(), c.before(), c.allTokens(), c.reason(), admin.issuer() + " "
            + admin.subject(), now, expires);
  }

  static String id(String id) {
    if (!id.matches("rv-[0-9a-f]{12}")) {
      throw ProtoInputs.invalid("id is a revocation id like rv-0123456789ab (credbroker"
          + " revocations lists them)");
    }
    return id;
  }

  /** For the audit record: what was revoked, without echoing more than the target. */
  static String describe(Revocation r) {
    return kind(r.target()) + " as " + r.id() + ": " + r.reason();
  }

  static dev.credbroker.proto.v1.Revocation proto(Revocation r) {
    var b = dev.credbroker.proto.v1.Revocation.newBuilder().setId(r.id())
        .addAllRoles(r.roles()).addAllSecrets(r.secrets())
        .setBefore(ProtoValues.timestamp(r.before())).setAllTokens(r.allTokens())
        .setReason(r.reason()).setRevokedBy(r.revokedBy())
        .setCreated(ProtoValues.timestamp(r.created()));
    r.expires().ifPresent(e -> b.setExpires(ProtoValues.timestamp(e)));
    RevocationTarget t = r.target();
    if (t instanceof RevocationTarget.Subject s) {
      b.setSubject(SubjectTarget.newBuilder().setIssuer(s.issuer()).setSubject(s.subject()));
    } else if (t instanceof RevocationTarget.ClientId c) {
      b.setClientId(c.clientId());
    } else if (t instanceof RevocationTarget.TokenHash h) {
      b.setTokenHash(h.tokenHash());
    } else if (t instanceof RevocationTarget.SourceIdentity i) {
      b.setSourceIdentity(i.sourceIdentity());
    }
    return b.build();
  }

  private static RevocationTarget target(RevokeRequest r) {
    try {
      return switch (r.getTargetCase()) {
        case SUBJECT -> new RevocationTarget.Subject(r.getSubject().getIssuer(),
            r.getSubject().getSubject());
        case CLIENT_ID -> new RevocationTarget.ClientId(r.getClientId());
        case TOKEN_HASH -> new RevocationTarget.TokenHash(r.getTokenHash());
        case SOURCE_IDENTITY -> new RevocationTarget.SourceIdentity(r.getSourceIdentity());
        case TARGET_NOT_SET -> throw ProtoInputs.invalid("a target is required: subject (with"
            + " issuer), client_id, token_hash or source_identity");
      };
    } catch (IllegalArgumentException e) {
      throw ProtoInputs.invalid("target: " + e.getMessage());
    }
  }

  private static List<String> aliases(List<String> aliases, String field) {
    if (aliases.size() > Revocation.MAX_SCOPE) {
      throw ProtoInputs.invalid(field + ": at most " + Revocation.MAX_SCOPE);
    }
    for (String a : aliases) {
      if (a.isBlank() || a.length() > Limits.MAX_ALIAS_CHARS
          || a.chars().anyMatch(Character::isISOControl)) {
        throw ProtoInputs.invalid(field + ": each is an alias of 1-" + Limits.MAX_ALIAS_CHARS
            + " characters, without control characters");
      }
    }
    return List.copyOf(aliases);
  }

  private static String kind(RevocationTarget t) {
    if (t instanceof RevocationTarget.Subject s) {
      return "subject " + s.subject() + " of " + s.issuer();
    }
    if (t instanceof RevocationTarget.ClientId c) {
      return "client id " + c.clientId();
    }
    if (t instanceof RevocationTarget.TokenHash h) {
      return "token " + h.tokenHash();
    }
    return "source identity " + ((RevocationTarget.SourceIdentity) t).sourceIdentity();
  }
}
