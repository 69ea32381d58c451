package dev.credbroker.server.devaws;

import static dev.credbroker.server.devaws.QueryProtocol.xml;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.credbroker.core.limits.Limits;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STS over the AWS Query protocol (form POST, Version 2011-06-15), as the STS API reference
 * documents AssumeRole, AssumeRoleWithWebIdentity and GetCallerIdentity: parameter constraints,
 * the XML answers, and ErrorResponse documents with the documented codes.
 */
final class StsQueryProtocol {
  static final String VERSION = "2011-06-15";
  private static final String XMLNS = "https://sts.amazonaws.com/doc/" + VERSION + "/";
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/((?:[\\w+=,.@-]+/)*)([\\w+=,.@-]{1,64})");
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");
  private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}");
  private static final int MAX_TAGS = 50;
  private static final int MAX_POLICY_ARNS = 10;
  private static final int PACKED_LIMIT = 2048;

  private final Clock clock;
  private final DevCredentials credentials;
  private final QueryProtocol query;
  private final DevAwsHooks hooks;
  private final ExplicitDenies denies;
  private final Set<String> trustedIssuers = ConcurrentHashMap.newKeySet();
  private volatile Duration maxSessionDuration = Limits.MAX_SESSION;

  StsQueryProtocol(Clock clock, DevCredentials credentials, SigV4Verifier signatures,
      ExplicitDenies denies, DevAwsHooks hooks) {
    this.denies = denies;
    this.clock = clock;
    this.credentials = credentials;
    this.query = new QueryProtocol(clock, credentials, signatures, XMLNS);
    this.hooks = hooks;
  }

  void trustIssuer(String issuer) {
    trustedIssuers.add(issuer);
  }

  void maxSessionDuration(Duration d) {
    maxSessionDuration = d;
  }

  Answer handle(SigV4Verifier.SignedRequest request) throws InterruptedException {
    String requestId = UUID.randomUUID().toString();
    Map<String, String> form;
    try {
      form = QueryProtocol.form(request);
    } catch (AwsRefusal r) {
      return query.error(r, requestId);
    }
    String action = form.getOrDefault("Action", "");
    try {
      QueryProtocol.admit(hooks, form, action, VERSION);
      String result = switch (action) {
        case "AssumeRoleWithWebIdentity" -> assumeRoleWithWebIdentity(form); // unsigned by design
        case "AssumeRole" -> {
          AccessKey caller = query.caller(request, "sts");
          denies.check(caller, "sts:AssumeRole", form.getOrDefault("RoleArn", "*"));
          yield assumeRole(form, caller);
        }
        case "GetCallerIdentity" -> getCallerIdentity(query.caller(request, "sts"));
        default -> throw AwsRefusal.invalid("InvalidAction", "Could not find operation " + action
            + " for version " + VERSION);
      };
      return query.ok(action, result, requestId);
    } catch (AwsRefusal r) {
      return query.error(r, requestId);
    }
  }

  private String getCallerIdentity(AccessKey caller) {
    String arn = caller.principalArn();
    String userId = caller.session().isPresent()
        ? "AROADEV" + Integer.toHexString(arn.hashCode()).toUpperCase(Locale.ROOT) + ":"
            + arn.substring(arn.lastIndexOf('/') + 1)
        : "AIDADEV" + Integer.toHexString(arn.hashCode()).toUpperCase(Locale.ROOT);
    return "<Arn>" + xml(arn) + "</Arn><UserId>" + xml(userId) + "</UserId><Account>"
        + xml(arn.split(":")[4]) + "</Account>";
  }

  private String assumeRole(Map<String, String> f, AccessKey caller) throws AwsRefusal {
    hooks.assumeRoleReceived(Map.copyOf(f));
    Validation v = new Validation();
    Matcher role = v.role(f);
    String session = v.sessionName(f);
    int seconds = v.duration(f);
    if (f.containsKey("SourceIdentity")) {
      String si = f.get("SourceIdentity");
      v.check(SESSION_NAME.matcher(si).matches(), si, "sourceIdentity",
          "Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2-64");
      if (si.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw AwsRefusal.invalid("ValidationError", "SourceIdentity must not begin with 'aws:'");
      }
    }
    if (f.containsKey("ExternalId")) {
      v.check(EXTERNAL_ID.matcher(f.get("ExternalId")).matches(), f.get("ExternalId"),
          "externalId", "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
    }
    int packed = v.policy(f) + tags(f, v);
    v.policyArns(f);
    v.throwIfAny();
    if (packed > PACKED_LIMIT) {
      throw AwsRefusal.invalid("PackedPolicyTooLarge", "Packed policy consumes "
          + (packed * 100 / PACKED_LIMIT) + "% of allotted space, please use smaller policy for"
          + " this session.");
    }
    checkMaxSession(seconds);
    String sourceIdentity = f.get("SourceIdentity");
    return (sourceIdentity == null ? "" : "<SourceIdentity>" + xml(sourceIdentity)
        + "</SourceIdentity>")
        + mint(role, session, seconds, Optional.ofNullable(sourceIdentity))
        + "<PackedPolicySize>" + Math.min(100, packed * 100 / PACKED_LIMIT) + "</PackedPolicySize>";
  }

  /** Checks Tags.member.N and TransitiveTagKeys.member.N; returns their packed size. */
  private static int tags(Map<String, String> f, Validation v) throws AwsRefusal {
    int packed = 0;
    Set<String> keys = new HashSet<>();
    int n = 0;
    while (f.containsKey("Tags.member." + (n + 1) + ".Key")) {
      n++;
      String key = f.get("Tags.member." + n + ".Key");
      String value = f.getOrDefault("Tags.member." + n + ".Value", "");
      v.check(TAG_KEY.matcher(key).matches(), key, "tags." + n + ".member.key",
          "Member must have length between 1 and 128 and satisfy [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
      v.check(TAG_VALUE.matcher(value).matches(), value, "tags." + n + ".member.value",
          "Member must have length less than or equal to 256 and satisfy"
              + " [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
      if (!keys.add(key.toLowerCase(Locale.ROOT))) {
        throw AwsRefusal.invalid("InvalidParameterValue", "Duplicate tag keys found. Please note"
            + " that Tag keys are case insensitive.");
      }
      packed += key.length() + value.length();
    }
    v.check(n <= MAX_TAGS, String.valueOf(n), "tags",
        "Member must have length less than or equal to " + MAX_TAGS);
    int t = 0;
    while (f.containsKey("TransitiveTagKeys.member." + (t + 1))) {
      t++;
      String key = f.get("TransitiveTagKeys.member." + t).toLowerCase(Locale.ROOT);
      if (!keys.contains(key)) {
        throw AwsRefusal.invalid("InvalidParameterValue", "The specified transitive tag key must"
            + " be included in the requested tags.");
      }
    }
    return packed;
  }

  private String assumeRoleWithWebIdentity(Map<String, String> f) throws AwsRefusal {
    hooks.assumeRoleReceived(Map.copyOf(f));
    Validation v = new Validation();
    Matcher role = v.role(f);
    String session = v.sessionName(f);
    int seconds = v.duration(f);
    String token = f.getOrDefault("WebIdentityToken", "");
    v.check(token.length() >= 4 && token.length() <= 20_000, "***", "webIdentityToken",
        "Member must have length between 4 and 20000");
    v.policy(f);
    v.policyArns(f);
    v.throwIfAny();
    Map<String, Object> claims;
    try {
      claims = SignedJWT.parse(token).getJWTClaimsSet().getClaims();
    } catch (ParseException | RuntimeException e) {
      throw AwsRefusal.invalid("InvalidIdentityToken", "The web identity token that was passed"
          + " could not be validated by AWS. Get a new identity token from the identity provider"
          + " and then retry the request.");
    }
    Object iss = claims.get("iss");
    if (!trustedIssuers.contains(String.valueOf(iss))) {
      throw AwsRefusal.invalid("InvalidIdentityToken", "No OpenIDConnect provider found in your"
          + " account for " + iss);
    }
    if (!(claims.get("exp") instanceof java.util.Date exp) || !clock.instant().isBefore(exp.toInstant())) {
      throw AwsRefusal.invalid("ExpiredTokenException", "Token is expired");
    }
    checkMaxSession(seconds);
    return "<SubjectFromWebIdentityToken>" + xml(String.valueOf(claims.get("sub")))
        + "</SubjectFromWebIdentityToken><Audience>" + xml(String.valueOf(claims.get("aud")))
        + "</Audience>" + mint(role, session, seconds, Optional.empty())
        + "<Provider>" + xml(String.valueOf(iss))
        + "</Provider>";
  }

  private void checkMaxSession(int seconds) throws AwsRefusal {
    if (Duration.ofSeconds(seconds).compareTo(maxSessionDuration) > 0) {
      throw AwsRefusal.invalid("ValidationError", "The requested DurationSeconds exceeds the"
          + " MaxSessionDuration set for this role.");
    }
  }

  /** Mints a session for the role; the AssumedRoleUser and Credentials elements. */
  private String mint(Matcher role, String session, int seconds,
      Optional<String> sourceIdentity) {
    String assumed = "arn:aws:sts::" + role.group(1) + ":assumed-role/" + role.group(3) + "/"
        + session;
    Instant now = clock.instant();
    AccessKey key = credentials.mint(assumed, now.plusSeconds(seconds), now, sourceIdentity);
    AccessKey.Session s = key.session().orElseThrow();
    return "<AssumedRoleUser><Arn>" + xml(assumed) + "</Arn><AssumedRoleId>AROADEV"
        + Integer.toHexString(role.group(0).hashCode()).toUpperCase(Locale.ROOT) + ":"
        + xml(session) + "</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>"
        + key.id() + "</AccessKeyId><SecretAccessKey>" + key.secret()
        + "</SecretAccessKey><SessionToken>" + s.token() + "</SessionToken><Expiration>"
        + s.expiration() + "</Expiration></Credentials>";
  }

  /** Collects constraint failures the way STS reports them: "N validation errors detected". */
  private static final class Validation {
    private final List<String> problems = new ArrayList<>();

    void check(boolean ok, String value, String member, String constraint) {
      if (!ok) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        problems.add("Value '" + shown + "' at '" + member + "' failed to satisfy constraint: "
            + constraint);
      }
    }

    Matcher role(Map<String, String> f) {
      String arn = f.getOrDefault("RoleArn", "");
      Matcher m = ROLE_ARN.matcher(arn);
      check(arn.length() >= 20 && arn.length() <= 2048 && m.matches(), arn, "roleArn",
          "Member must be the ARN of an IAM role, arn:aws:iam::ACCOUNT:role/NAME");
      return m;
    }

    String sessionName(Map<String, String> f) {
      String session = f.getOrDefault("RoleSessionName", "");
      check(SESSION_NAME.matcher(session).matches(), session, "roleSessionName",
          "Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2-64");
      return session;
    }

    int duration(Map<String, String> f) {
      String text = f.getOrDefault("DurationSeconds", "3600");
      int seconds;
      try {
        seconds = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      long min = Limits.MIN_SESSION.toSeconds();
      long max = Limits.MAX_SESSION.toSeconds();
      check(seconds >= min && seconds <= max, text, "durationSeconds",
          "Member must have value between " + min + " and " + max);
      return seconds;
    }

    /** Checks Policy; returns its share of the packed size. */
    int policy(Map<String, String> f) throws AwsRefusal {
      String policy = f.get("Policy");
      if (policy == null) {
        return 0;
      }
      check(!policy.isEmpty() && policy.length() <= PACKED_LIMIT, "...", "policy",
          "Member must have length between 1 and 2048");
      try {
        JSONObjectUtils.parse(policy);
      } catch (ParseException e) {
        throw AwsRefusal.invalid("MalformedPolicyDocument", "The policy is not in the valid JSON"
            + " format.");
      }
      return policy.length();
    }

    void policyArns(Map<String, String> f) {
      int n = 0;
      while (f.containsKey("PolicyArns.member." + (n + 1) + ".arn")) {
        n++;
        String arn = f.get("PolicyArns.member." + n + ".arn");
        check(arn.startsWith("arn:") && arn.length() >= 20 && arn.length() <= 2048, arn,
            "policyArns." + n + ".member.arn", "Member must be an ARN of length 20-2048");
      }
      check(n <= MAX_POLICY_ARNS, String.valueOf(n), "policyArns",
          "Member must have length less than or equal to " + MAX_POLICY_ARNS);
    }

    void throwIfAny() throws AwsRefusal {
      if (!problems.isEmpty()) {
        throw AwsRefusal.invalid("ValidationError", problems.size() + " validation error"
            + (problems.size() == 1 ? "" : "s") + " detected: " + String.join("; ", problems));
      }
    }
  }
}
