package dev.credbroker.server.devaws;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Secrets Manager over the AWS JSON 1.1 protocol, as its API reference documents
 * GetSecretValue, DescribeSecret and PutSecretValue: POST with
 * {@code X-Amz-Target: secretsmanager.<Action>}, SigV4 scoped to {@code secretsmanager}, the
 * documented length limits, errors as {@code {"__type": code, "message": ...}}, timestamps as
 * epoch seconds. Sessions of roles whose name contains "readonly" may not write.
 */
final class SecretsManagerJsonProtocol {
  static final String JSON = "application/x-amz-json-1.1";
  static final String TARGET_PREFIX = "secretsmanager.";
  /** SecretString and SecretBinary: at most 65,536 bytes ("Quotas for Secrets Manager"). */
  static final int MAX_VALUE_BYTES = 65_536;

  private final Clock clock;
  private final DevSecretStore store;
  private final DevCredentials credentials;
  private final SigV4Verifier signatures;
  private final DevAwsHooks hooks;
  private final ExplicitDenies denies;

  SecretsManagerJsonProtocol(Clock clock, DevSecretStore store, DevCredentials credentials,
      SigV4Verifier signatures, ExplicitDenies denies, DevAwsHooks hooks) {
    this.denies = denies;
    this.clock = clock;
    this.store = store;
    this.credentials = credentials;
    this.signatures = signatures;
    this.hooks = hooks;
  }

  Answer handle(SigV4Verifier.SignedRequest request, String target) throws InterruptedException {
    String requestId = UUID.randomUUID().toString();
    String action = target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
    try {
      AwsRefusal injected = hooks.before(action);
      if (injected != null) {
        throw injected;
      }
      if (!"POST".equals(request.method())
          || !request.header().apply("content-type").orElse("").startsWith(JSON)) {
        throw AwsRefusal.invalid("SerializationException", "expected a POST of " + JSON);
      }
      AccessKey caller = caller(request);
      String principal = caller.principalArn();
      Map<String, Object> in;
      try {
        in = JSONObjectUtils.parse(new String(request.body(), StandardCharsets.UTF_8));
      } catch (ParseException e) {
        throw AwsRefusal.invalid("SerializationException", "the request body is not a JSON object");
      }
      denies.check(caller, "secretsmanager:" + action, in.get("SecretId") instanceof String id
          ? id : "*");
      Map<String, Object> out = switch (action) {
        case "GetSecretValue" -> getSecretValue(in, principal);
        case "DescribeSecret" -> describeSecret(in, principal);
        case "PutSecretValue" -> putSecretValue(in, principal);
        default -> throw AwsRefusal.invalid("UnknownOperationException", "unknown operation "
            + target);
      };
      return new Answer(200, JSON, JSONObjectUtils.toJSONString(out), requestId);
    } catch (AwsRefusal r) {
      return new Answer(r.status(), JSON, JSONObjectUtils.toJSONString(
          Map.of("__type", r.code(), "message", r.getMessage())), requestId);
    }
  }

  /** The key that validly signed the request, with its session token if it has one. */
  private AccessKey caller(SigV4Verifier.SignedRequest request) throws AwsRefusal {
    AccessKey key;
    try {
      key = signatures.verify(request, "secretsmanager", credentials::lookup);
    } catch (AwsRefusal r) {
      throw new AwsRefusal(400, "InvalidClientTokenId".equals(r.code())
          ? "UnrecognizedClientException" : "InvalidSignatureException", r.getMessage());
    }
    return switch (key.session(request.header().apply("x-amz-security-token").orElse(""),
        clock.instant())) {
      case WRONG_TOKEN -> throw AwsRefusal.invalid("UnrecognizedClientException", "The security"
          + " token included in the request is invalid.");
      case EXPIRED -> throw AwsRefusal.invalid("ExpiredTokenException", "The security token"
          + " included in the request is expired");
      case NONE, VALID -> key;
    };
  }

  private Map<String, Object> getSecretValue(Map<String, Object> in, String principal)
      throws AwsRefusal {
    DevSecretStore.Stored s = secret(in, principal, "GetSecretValue");
    Optional<String> versionId = text(in, "VersionId", "versionId", 32, 64);
    Optional<String> stage = text(in, "VersionStage", "versionStage", 1, 256);
    Map<String, Object> out = new LinkedHashMap<>();
    DevSecretStore.Version v;
    synchronized (store) {
      if (s.deleted != null) {
        throw AwsRefusal.invalid("InvalidRequestException", "You can't perform this operation on"
            + " the secret because it was marked for deletion.");
      }
      String id = versionId.orElseGet(() -> s.stages.get(stage.orElse(DevSecretStore.CURRENT)));
      if (id == null || !s.versions.containsKey(id)
          || (stage.isPresent() && !id.equals(s.stages.get(stage.get())))) {
        throw AwsRefusal.invalid("ResourceNotFoundException", "Secrets Manager can't find the"
            + " specified secret value for " + versionId.map(x -> "VersionId: " + x)
                .orElse("staging label: " + stage.orElse(DevSecretStore.CURRENT)));
      }
      v = s.versions.get(id);
      out.put("ARN", s.arn);
      out.put("Name", s.name);
      out.put("VersionId", v.id());
      out.put("VersionStages", s.stagesOf(v.id()));
    }
    String substitute = hooks.substituteSecretString();
    if (substitute != null) {
      out.put("SecretString", substitute);
    } else if (v.binary() != null) {
      out.put("SecretBinary", Base64.getEncoder().encodeToString(v.binary()));
    } else {
      out.put("SecretString", v.string());
    }
    out.put("CreatedDate", epochSeconds(v.created()));
    return out;
  }

  private Map<String, Object> describeSecret(Map<String, Object> in, String principal)
      throws AwsRefusal {
    DevSecretStore.Stored s = secret(in, principal, "DescribeSecret");
    Map<String, Object> out = new LinkedHashMap<>();
    synchronized (store) {
      out.put("ARN", s.arn);
      out.put("Name", s.name);
      out.put("CreatedDate", epochSeconds(s.created));
      if (s.deleted != null) {
        out.put("DeletedDate", epochSeconds(s.deleted));
      }
      out.put("VersionIdsToStages", s.versionsToStages());
    }
    return out;
  }

  private Map<String, Object> putSecretValue(Map<String, Object> in, String principal)
      throws AwsRefusal {
    DevSecretStore.Stored s = secret(in, principal, "PutSecretValue");
    if (isReadOnly(principal)) {
      throw accessDenied(principal, "PutSecretValue", s.name);
    }
    String token = text(in, "ClientRequestToken", "clientRequestToken", 32, 64)
        .orElseGet(() -> UUID.randomUUID().toString());
    Optional<String> string = text(in, "SecretString", "secretString", 1, MAX_VALUE_BYTES);
    Optional<byte[]> binary = binary(in);
    if (string.isPresent() == binary.isPresent()) {
      throw AwsRefusal.invalid("InvalidParameterException", "You must provide either SecretString"
          + " or SecretBinary, but not both.");
    }
    if (string.isPresent() && string.get().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw AwsRefusal.invalid("ValidationException", "1 validation error detected: Value at"
          + " 'secretString' failed to satisfy constraint: Member must have length less than or"
          + " equal to " + MAX_VALUE_BYTES);
    }
    List<String> stages = stages(in);
    DevSecretStore.Version v;
    Map<String, Object> out = new LinkedHashMap<>();
    synchronized (store) {
      if (s.deleted != null) {
        throw AwsRefusal.invalid("InvalidRequestException", "You can't perform this operation on"
            + " the secret because it was marked for deletion.");
      }
      v = store.put(s, token, string.orElse(null), binary.orElse(null), stages);
      out.put("ARN", s.arn);
      out.put("Name", s.name);
      out.put("VersionId", v.id());
      out.put("VersionStages", s.stagesOf(v.id()));
    }
    return out;
  }

  private static List<String> stages(Map<String, Object> in) throws AwsRefusal {
    Object raw = in.get("VersionStages");
    if (raw == null) {
      return List.of(DevSecretStore.CURRENT);
    }
    if (!(raw instanceof List<?> list) || list.isEmpty() || list.size() > 20) {
      throw AwsRefusal.invalid("ValidationException", "1 validation error detected: Value at"
          + " 'versionStages' failed to satisfy constraint: Member must have length between 1"
          + " and 20");
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String stage) || stage.isEmpty() || stage.length() > 256) {
        throw AwsRefusal.invalid("ValidationException", "1 validation error detected: Value at"
            + " 'versionStages' failed to satisfy constraint: Member must have length between 1"
            + " and 256");
      }
      out.add(stage);
    }
    return out;
  }

  private static Optional<byte[]> binary(Map<String, Object> in) throws AwsRefusal {
    Object raw = in.get("SecretBinary");
    if (raw == null) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = raw instanceof String text ? Base64.getDecoder().decode(text) : null;
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    if (bytes == null) {
      throw AwsRefusal.invalid("SerializationException", "SecretBinary must be base64 text");
    }
    if (bytes.length < 1 || bytes.length > MAX_VALUE_BYTES) {
      throw AwsRefusal.invalid("ValidationException", "1 validation error detected: Value at"
          + " 'secretBinary' failed to satisfy constraint: Member must have length between 1"
          + " and " + MAX_VALUE_BYTES);
    }
    return Optional.of(bytes);
  }

  /** The secret named by SecretId, if it exists and the principal may use it. */
  private DevSecretStore.Stored secret(Map<String, Object> in, String principal, String action)
      throws AwsRefusal {
    String secretId = text(in, "SecretId", "secretId", 1, 2048).orElseThrow(() ->
        AwsRefusal.invalid("ValidationException", "1 validation error detected: Value null at"
            + " 'secretId' failed to satisfy constraint: Member must not be null"));
    DevSecretStore.Stored s = store.find(secretId).orElseThrow(() -> AwsRefusal.invalid(
        "ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    String only;
    synchronized (store) {
      only = s.onlyPrincipal;
    }
    if (only != null && !only.equals(principal)) {
      throw accessDenied(principal, action, secretId);
    }
    return s;
  }

  private static AwsRefusal accessDenied(String principal, String action, String secretId) {
    return AwsRefusal.invalid("AccessDeniedException", "User: " + principal + " is not"
        + " authorized to perform: secretsmanager:" + action + " on resource: " + secretId
        + " because no identity-based policy allows the secretsmanager:" + action + " action");
  }

  /** An assumed role whose name says it is read-only (dev-readonly) may only read. */
  private static boolean isReadOnly(String principal) {
    if (!principal.contains(":assumed-role/")) {
      return false;
    }
    String role = principal.substring(principal.indexOf(":assumed-role/") + 14);
    int slash = role.indexOf('/');
    return (slash < 0 ? role : role.substring(0, slash)).toLowerCase(Locale.ROOT)
        .contains("readonly");
  }

  private static Optional<String> text(Map<String, Object> in, String key, String member, int min,
      int max) throws AwsRefusal {
    Object v = in.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s) || s.length() < min || s.length() > max) {
      throw AwsRefusal.invalid("ValidationException", "1 validation error detected: Value at '"
          + member + "' failed to satisfy constraint: Member must have length between " + min
          + " and " + max);
    }
    return Optional.of(s);
  }

  private static double epochSeconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }
}
