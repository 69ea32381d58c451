package dev.credbroker.server.devaws;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.policy.Glob;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The explicit denies in an assumed role's inline policies, applied to requests signed with one
 * of its sessions, so that revoking a session in IAM is observable here as it is in AWS: the
 * next call is refused, however long the session has left. It evaluates Deny statements only
 * (every allow is implied in the development account), with the operators IAM documents for
 * strings and dates on the keys a session carries: {@code aws:TokenIssueTime}, {@code
 * aws:SourceIdentity}, {@code aws:userid} ({@code ROLEID:session-name}) and {@code
 * aws:PrincipalArn}. A condition on any other key or with another operator does not match, as a
 * key absent from the request context does not in IAM.
 */
final class ExplicitDenies {
  private final DevRolePolicies policies;

  ExplicitDenies(DevRolePolicies policies) {
    this.policies = policies;
  }

  /** Refused when a Deny statement of the caller's role matches {@code action}. */
  void check(AccessKey caller, String action, String resource) throws AwsRefusal {
    Optional<AccessKey.Session> session = caller.session();
    String arn = caller.principalArn();
    int at = arn.indexOf(":assumed-role/");
    if (session.isEmpty() || at < 0) {
      return;
    }
    String[] roleAndSession = arn.substring(at + ":assumed-role/".length()).split("/", 2);
    Map<String, String> context = new HashMap<>();
    context.put("aws:tokenissuetime", session.get().issuedAt().toString());
    session.get().sourceIdentity().ifPresent(s -> context.put("aws:sourceidentity", s));
    context.put("aws:userid", "AROADEV:" + (roleAndSession.length > 1 ? roleAndSession[1] : ""));
    context.put("aws:principalarn", arn.substring(0, at).replace(":sts:", ":iam:") + ":role/"
        + roleAndSession[0]);
    for (String name : policies.names(roleAndSession[0])) {
      Optional<String> document = policies.get(roleAndSession[0], name);
      if (document.isPresent() && denies(document.get(), action, context)) {
        throw AwsRefusal.invalid("AccessDeniedException", "User: " + arn + " is not authorized"
            + " to perform: " + action + " on resource: " + resource + " with an explicit deny"
            + " in an identity-based policy");
      }
    }
  }

  private static boolean denies(String document, String action, Map<String, String> context) {
    Map<String, Object> policy;
    try {
      policy = JSONObjectUtils.parse(document);
    } catch (ParseException e) {
      return false; // PutRolePolicy stores only documents that parse
    }
    for (Object s : list(policy.get("Statement"))) {
      if (s instanceof Map<?, ?> statement && "Deny".equals(statement.get("Effect"))
          && actionMatches(statement, action) && conditionsHold(statement.get("Condition"), context)) {
        return true;
      }
    }
    return false;
  }

  private static boolean actionMatches(Map<?, ?> statement, String action) {
    boolean not = statement.containsKey("NotAction");
    boolean any = false;
    for (Object pattern : list(not ? statement.get("NotAction") : statement.get("Action"))) {
      any |= Glob.matches(String.valueOf(pattern).toLowerCase(Locale.ROOT),
          action.toLowerCase(Locale.ROOT));
    }
    return any != not;
  }

  private static boolean conditionsHold(Object condition, Map<String, String> context) {
    if (!(condition instanceof Map<?, ?> operators)) {
      return true;
    }
    for (Map.Entry<?, ?> op : operators.entrySet()) {
      String operator = String.valueOf(op.getKey());
      boolean ifExists = operator.endsWith("IfExists");
      String base = ifExists ? operator.substring(0, operator.length() - 8) : operator;
      if (!(op.getValue() instanceof Map<?, ?> keys)) {
        return false;
      }
      for (Map.Entry<?, ?> key : keys.entrySet()) {
        String actual = context.get(String.valueOf(key.getKey()).toLowerCase(Locale.ROOT));
        if (actual == null ? !ifExists : !anyValueHolds(base, actual, list(key.getValue()))) {
          return false;
        }
      }
    }
    return true;
  }

  /** Several values in one condition key are alternatives (OR), as IAM evaluates them. */
  private static boolean anyValueHolds(String operator, String actual, List<?> values) {
    for (Object value : values) {
      String expected = String.valueOf(value);
      boolean holds = switch (operator) {
        case "StringEquals" -> actual.equals(expected);
        case "StringLike" -> Glob.matches(expected, actual);
        case "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals" ->
            dateHolds(operator, actual, expected);
        default -> false; // an operator this endpoint does not evaluate never matches
      };
      if (holds) {
        return true;
      }
    }
    return false;
  }

  /** IAM dates: ISO 8601 or epoch seconds; a date that does not parse never matches. */
  private static boolean dateHolds(String operator, String actual, String expected) {
    int c;
    try {
      Instant e = !expected.isEmpty() && expected.chars().allMatch(Character::isDigit)
          ? Instant.ofEpochSecond(Long.parseLong(expected)) : Instant.parse(expected);
      c = Instant.parse(actual).compareTo(e);
    } catch (DateTimeException | NumberFormatException ex) {
      return false;
    }
    return switch (operator) {
      case "DateLessThan" -> c < 0;
      case "DateLessThanEquals" -> c <= 0;
      case "DateGreaterThan" -> c > 0;
      default -> c >= 0;
    };
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> l ? l : value == null ? List.of() : List.of(value);
  }
}
