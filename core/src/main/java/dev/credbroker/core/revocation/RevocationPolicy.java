package dev.credbroker.core.revocation;

import dev.credbroker.core.config.RoleConfig;
import dev.credbroker.core.digest.CallerDigest;
import dev.credbroker.core.text.JsonText;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inline policy {@value #NAME} on one role: a {@code Deny *} per revocation, conditioned on
 * the session's issue time before the cut-off and on the identity the broker wrote into it (the
 * source identity, or the caller digest that ends every session name the broker sets), so that
 * sessions already handed out stop working for that identity alone. A statement is kept until
 * every session issued before its cut-off has expired (cut-off plus the role's longest session).
 * A client id or token hash never reaches a session, so those revocations act in the broker only.
 */
public final class RevocationPolicy {
  public static final String NAME = "credbroker-revocations";
  /** IAM's limit on one role's inline policies together, whitespace not counted. */
  public static final int IAM_LIMIT = 10_240;

  private RevocationPolicy() {}

  /**
   * The longest session any of {@code roles} grants: how long after its cut-off a revocation (and
   * its statement) is needed, since every session issued before the cut-off has expired by then.
   */
  public static Duration longestSession(Collection<RoleConfig> roles) {
    Duration longest = Duration.ZERO;
    for (RoleConfig role : roles) {
      longest = role.maxDuration().compareTo(longest) > 0 ? role.maxDuration() : longest;
    }
    return longest;
  }

  /** A revocation left out of the document, and why (reported to whoever revoked). */
  public record Left(String revocationId, String why) {}

  /**
   * The document to put, or empty when the role needs none (delete it), with what it includes
   * and what it could not.
   */
  public record Built(Optional<String> document, List<String> included, List<Left> left) {}

  public static Built forRole(String roleAlias, Duration longestSession, List<Revocation> all,
      Instant now) {
    List<Map<String, Object>> statements = new ArrayList<>();
    List<String> included = new ArrayList<>();
    List<Left> left = new ArrayList<>();
    int size = envelope(List.of()).length();
    for (Revocation r : all) {
      if (!r.coversRole(roleAlias) || !now.isBefore(r.before().plus(longestSession))) {
        continue; // out of scope, or every earlier session has expired
      }
      Optional<Map<String, Object>> condition = identityCondition(r.target());
      if (condition.isEmpty()) {
        left.add(new Left(r.id(), "a " + kind(r.target()) + " is not visible to IAM; the broker"
            + " refuses the identity, but sessions already issued live until they expire"));
        continue;
      }
      Map<String, Object> statement = statement(r, condition.get());
      int added = (statements.isEmpty() ? 0 : 1) + json(statement).length();
      if (size + added > IAM_LIMIT) {
        left.add(new Left(r.id(), "the role's inline policy would exceed IAM's " + IAM_LIMIT
            + " characters; withdraw expired or duplicate revocations, or revoke the role's"
            + " sessions in the IAM console"));
        continue;
      }
      size += added;
      statements.add(statement);
      included.add(r.id());
    }
    return new Built(statements.isEmpty() ? Optional.empty() : Optional.of(envelope(statements)),
        List.copyOf(included), List.copyOf(left));
  }

  private static Optional<Map<String, Object>> identityCondition(RevocationTarget target) {
    if (target instanceof RevocationTarget.SourceIdentity s) {
      return Optional.of(Map.of("StringEquals", Map.of("aws:SourceIdentity", s.sourceIdentity())));
    }
    if (target instanceof RevocationTarget.Subject s) {
      // aws:userid of an assumed-role session is ROLEID:session-name; the broker's session
      // names end with "." and the caller digest.
      return Optional.of(Map.of("StringLike", Map.of("aws:userid",
          "*." + CallerDigest.of(s.issuer(), s.subject()))));
    }
    return Optional.empty();
  }

  private static Map<String, Object> statement(Revocation r, Map<String, Object> identity) {
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("DateLessThan", Map.of("aws:TokenIssueTime",
        r.before().truncatedTo(ChronoUnit.SECONDS).plusSeconds(
            r.before().getNano() == 0 ? 0 : 1).toString()));
    condition.putAll(identity);
    Map<String, Object> statement = new LinkedHashMap<>();
    statement.put("Sid", sid(r.id()));
    statement.put("Effect", "Deny");
    statement.put("Action", "*");
    statement.put("Resource", "*");
    statement.put("Condition", condition);
    return statement;
  }

  /** IAM statement ids are alphanumeric. */
  private static String sid(String id) {
    StringBuilder out = new StringBuilder("Revocation");
    for (char c : id.toCharArray()) {
      if (c < 128 && Character.isLetterOrDigit(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String kind(RevocationTarget target) {
    return target instanceof RevocationTarget.ClientId ? "client id" : "token hash";
  }

  private static String envelope(List<Map<String, Object>> statements) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Version", "2012-10-17");
    doc.put("Statement", statements);
    return json(doc);
  }

  private static String json(Object value) {
    StringBuilder out = new StringBuilder();
    JsonText.value(out, value);
    return out.toString();
  }
}
