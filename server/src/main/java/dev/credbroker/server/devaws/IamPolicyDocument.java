package dev.credbroker.server.devaws;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammar IAM enforces on an identity-based policy document ("IAM JSON policy elements
 * reference"): a Version IAM knows, one or more statements, each with an Effect, exactly one of
 * Action/NotAction and Resource/NotResource, no Principal, and conditions built from IAM's
 * operators. A document outside it is refused as {@code MalformedPolicyDocument}, as IAM does,
 * so a broker that writes policies finds its mistakes here and not in production.
 */
final class IamPolicyDocument {
  /** The aggregate size IAM allows for a role's inline policies, whitespace not counted. */
  static final int ROLE_INLINE_LIMIT = 10_240;
  /** PutRolePolicy's PolicyDocument: length 1-131072 of tab, newline, return, space to 0xFF. */
  private static final Pattern DOCUMENT_CHARS = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]{1,131072}");
  private static final Pattern ACTION = Pattern.compile("\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+");
  private static final Pattern SID = Pattern.compile("[A-Za-z0-9]*");
  private static final Set<String> VERSIONS = Set.of("2012-10-17", "2008-10-17");
  private static final Set<String> TOP_KEYS = Set.of("Version", "Id", "Statement");
  private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Action", "NotAction",
      "Resource", "NotResource", "Condition", "Principal", "NotPrincipal");
  private static final Set<String> OPERATORS = Set.of("StringEquals", "StringNotEquals",
      "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
      "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
      "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals",
      "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool",
      "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals",
      "ArnNotLike", "Null");

  private IamPolicyDocument() {}

  /** Checks {@code document}; returns its size as IAM counts it (whitespace left out). */
  static int check(String document) throws AwsRefusal {
    if (!DOCUMENT_CHARS.matcher(document).matches()) {
      throw AwsRefusal.invalid("ValidationError", "1 validation error detected: Value at"
          + " 'policyDocument' failed to satisfy constraint: Member must have length between 1"
          + " and 131072 and satisfy [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
    }
    Map<String, Object> policy;
    try {
      policy = JSONObjectUtils.parse(document);
    } catch (ParseException e) {
      throw malformed("Syntax errors in policy.");
    }
    for (String key : policy.keySet()) {
      if (!TOP_KEYS.contains(key)) {
        throw malformed("Syntax errors in policy.");
      }
    }
    if (policy.containsKey("Version") && !VERSIONS.contains(String.valueOf(policy.get("Version")))) {
      throw malformed("The policy must contain a valid version string");
    }
    Object statements = policy.get("Statement");
    List<?> list = statements instanceof List<?> l ? l : statements == null ? List.of()
        : List.of(statements);
    if (list.isEmpty()) {
      throw malformed("Syntax errors in policy.");
    }
    for (Object statement : list) {
      if (!(statement instanceof Map<?, ?> s)) {
        throw malformed("Syntax errors in policy.");
      }
      statement(s);
    }
    return document.replaceAll("\\s", "").length();
  }

  private static void statement(Map<?, ?> s) throws AwsRefusal {
    for (Object key : s.keySet()) {
      if (!STATEMENT_KEYS.contains(String.valueOf(key))) {
        throw malformed("Syntax errors in policy.");
      }
    }
    if (s.containsKey("Principal") || s.containsKey("NotPrincipal")) {
      throw malformed("Policy document should not specify a principal.");
    }
    if (s.get("Sid") != null && !(s.get("Sid") instanceof String sid && SID.matcher(sid).matches())) {
      throw malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies"
          + " the regular expression [0-9A-Za-z]*");
    }
    Object effect = s.get("Effect");
    if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
      throw malformed("Syntax errors in policy.");
    }
    List<String> actions = exactlyOne(s, "Action", "NotAction");
    for (String action : actions) {
      if (!ACTION.matcher(action).matches()) {
        throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2,"
            + " etc.");
      }
    }
    for (String resource : exactlyOne(s, "Resource", "NotResource")) {
      if (!"*".equals(resource) && !resource.startsWith("arn:")) {
        throw malformed("Resource " + resource + " must be in ARN format or \"*\".");
      }
    }
    if (s.containsKey("Condition")) {
      condition(s.get("Condition"));
    }
  }

  /** The strings of whichever of the two keys is present; refused unless exactly one is. */
  private static List<String> exactlyOne(Map<?, ?> s, String key, String notKey)
      throws AwsRefusal {
    if (s.containsKey(key) == s.containsKey(notKey)) {
      throw malformed("Syntax errors in policy.");
    }
    Object value = s.containsKey(key) ? s.get(key) : s.get(notKey);
    List<?> values = value instanceof List<?> l ? l : List.of(value == null ? "" : value);
    if (values.isEmpty()) {
      throw malformed("Syntax errors in policy.");
    }
    for (Object v : values) {
      if (!(v instanceof String)) {
        throw malformed("Syntax errors in policy.");
      }
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) values;
    return strings;
  }

  private static void condition(Object condition) throws AwsRefusal {
    if (!(condition instanceof Map<?, ?> operators) || operators.isEmpty()) {
      throw malformed("Syntax errors in policy.");
    }
    for (Map.Entry<?, ?> op : operators.entrySet()) {
      String name = String.valueOf(op.getKey()).replaceFirst("^For(All|Any)Values?:", "")
          .replaceFirst("IfExists$", "");
      if (!OPERATORS.contains(name)) {
        throw malformed("Invalid Condition type : " + op.getKey());
      }
      if (!(op.getValue() instanceof Map<?, ?> keys) || keys.isEmpty()) {
        throw malformed("Syntax errors in policy.");
      }
      for (Object value : keys.values()) {
        List<?> values = value instanceof List<?> l ? l : List.of(value == null ? List.of() : value);
        for (Object v : values) {
          if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw malformed("Syntax errors in policy.");
          }
        }
      }
    }
  }

  private static AwsRefusal malformed(String message) {
    return AwsRefusal.invalid("MalformedPolicyDocument", message);
  }
}
