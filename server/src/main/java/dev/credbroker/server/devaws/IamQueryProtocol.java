package dev.credbroker.server.devaws;

import static dev.credbroker.server.devaws.QueryProtocol.xml;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * IAM's inline role policies over the AWS Query protocol (Version 2010-05-08, SigV4 scoped to
 * {@code iam}), as the IAM API reference documents PutRolePolicy, GetRolePolicy,
 * DeleteRolePolicy and ListRolePolicies: name patterns, the policy grammar, the per-role size
 * limit, and GetRolePolicy's URL-encoded document. Only a long-lived key (the broker's) may call
 * it: sessions the broker hands out must never be able to change IAM.
 */
final class IamQueryProtocol {
  static final String VERSION = "2010-05-08";
  private static final String XMLNS = "https://iam.amazonaws.com/doc/" + VERSION + "/";
  private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern POLICY_NAME = Pattern.compile("[\\w+=,.@-]{1,128}");

  private final QueryProtocol query;
  private final DevRolePolicies policies;
  private final DevAwsHooks hooks;

  IamQueryProtocol(Clock clock, DevCredentials credentials, SigV4Verifier signatures,
      DevRolePolicies policies, DevAwsHooks hooks) {
    this.query = new QueryProtocol(clock, credentials, signatures, XMLNS);
    this.policies = policies;
    this.hooks = hooks;
  }

  Answer handle(SigV4Verifier.SignedRequest request) throws InterruptedException {
    String requestId = UUID.randomUUID().toString();
    try {
      Map<String, String> form = QueryProtocol.form(request);
      String action = form.getOrDefault("Action", "");
      QueryProtocol.admit(hooks, form, action, VERSION);
      AccessKey caller = query.caller(request, "iam");
      if (caller.session().isPresent()) {
        throw new AwsRefusal(403, "AccessDenied", "User: " + caller.principalArn()
            + " is not authorized to perform: iam:" + action + " because no identity-based"
            + " policy allows the iam:" + action + " action");
      }
      String result = switch (action) {
        case "PutRolePolicy" -> {
          policies.put(roleName(form), policyName(form), form.getOrDefault("PolicyDocument", ""));
          yield "";
        }
        case "GetRolePolicy" -> getRolePolicy(roleName(form), policyName(form));
        case "DeleteRolePolicy" -> {
          String role = roleName(form);
          String name = policyName(form);
          if (!policies.delete(role, name)) {
            throw noSuchPolicy(name);
          }
          yield "";
        }
        case "ListRolePolicies" -> listRolePolicies(roleName(form));
        default -> throw AwsRefusal.invalid("InvalidAction", "Could not find operation " + action
            + " for version " + VERSION);
      };
      return result.isEmpty() ? query.done(action, requestId) : query.ok(action, result, requestId);
    } catch (AwsRefusal r) {
      return query.error(r, requestId);
    }
  }

  private String getRolePolicy(String role, String name) throws AwsRefusal {
    String document = policies.get(role, name).orElseThrow(() -> noSuchPolicy(name));
    // IAM returns the document URL-encoded (RFC 3986), which callers decode themselves.
    String encoded = URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20");
    return "<RoleName>" + xml(role) + "</RoleName><PolicyName>" + xml(name)
        + "</PolicyName><PolicyDocument>" + encoded + "</PolicyDocument>";
  }

  private String listRolePolicies(String role) {
    StringBuilder out = new StringBuilder("<PolicyNames>");
    List<String> names = policies.names(role);
    for (String name : names) {
      out.append("<member>").append(xml(name)).append("</member>");
    }
    return out.append("</PolicyNames><IsTruncated>false</IsTruncated>").toString();
  }

  private static String roleName(Map<String, String> form) throws AwsRefusal {
    return named(form, "RoleName", "roleName", ROLE_NAME, 64);
  }

  private static String policyName(Map<String, String> form) throws AwsRefusal {
    return named(form, "PolicyName", "policyName", POLICY_NAME, 128);
  }

  private static String named(Map<String, String> form, String key, String member,
      Pattern pattern, int max) throws AwsRefusal {
    String value = form.getOrDefault(key, "");
    if (!pattern.matcher(value).matches()) {
      String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
      throw AwsRefusal.invalid("ValidationError", "1 validation error detected: Value '" + shown
          + "' at '" + member + "' failed to satisfy constraint: Member must have length between"
          + " 1 and " + max + " and satisfy regular expression pattern: [\\w+=,.@-]+");
    }
    return value;
  }

  private static AwsRefusal noSuchPolicy(String name) {
    return new AwsRefusal(404, "NoSuchEntity", "The role policy with name " + name
        + " cannot be found.");
  }
}
