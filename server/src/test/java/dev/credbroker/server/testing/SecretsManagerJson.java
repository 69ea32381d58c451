package dev.credbroker.server.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The AWS JSON 1.1 protocol of {@link FakeSecretsManager}, as the Secrets Manager API reference
 * documents it: POST with {@code X-Amz-Target: secretsmanager.<Action>} and
 * {@code application/x-amz-json-1.1}, SigV4 scoped to {@code secretsmanager}, length limits
 * checked (SecretId 1-2048, VersionId 32-64, VersionStage 1-256), errors as
 * {@code {"__type": code, "message": ...}}, timestamps as epoch seconds.
 */
final class SecretsManagerJson {
  private static final String JSON = "application/x-amz-json-1.1";

  private final FakeSecretsManager fake;
  private final Clock clock;

  SecretsManagerJson(FakeSecretsManager fake, Clock clock) {
    this.fake = fake;
    this.clock = clock;
  }

  /** A request AWS would refuse, with the code and message it would send. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;
    final int status;

    Refused(String code, String message) {
      this(code, "InternalServiceError".equals(code) ? 500 : 400, message);
    }

    Refused(String code, int status, String message) {
      super(message, null, false, false);
      this.code = code;
      this.status = status;
    }
  }

  void handle(HttpExchange ex) throws IOException {
    try (ex) { // closed after the error is written, not before
      try {
        respond(ex);
      } catch (Refused r) {
        error(ex, r.status, r.code, r.getMessage());
      } catch (java.text.ParseException e) {
        error(ex, 400, "SerializationException", "the request body is not JSON");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void respond(HttpExchange ex)
      throws IOException, Refused, java.text.ParseException, InterruptedException {
    byte[] body = ex.getRequestBody().readAllBytes();
    String target = String.valueOf(SigV4.first(ex.getRequestHeaders(), "x-amz-target"));
    String action = target.startsWith("secretsmanager.") ? target.substring(15) : "";
    FaultPlan.Fault fault = fake.faults.onCall(action);
    if (fault != null) {
      throw new Refused(fault.code(), fault.status(), "injected fault");
    }
    String principal = authenticate(ex, body);
    Map<String, Object> in = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
    Map<String, Object> out = switch (action) {
      case "GetSecretValue" -> getSecretValue(in, principal);
      case "DescribeSecret" -> describeSecret(in, principal);
      default -> throw new Refused("UnknownOperationException", "unknown operation " + target);
    };
    ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    LoopbackHttp.send(ex, 200, JSON, JSONObjectUtils.toJSONString(out));
  }

  /** The principal that validly signed the request for this service. */
  private String authenticate(HttpExchange ex, byte[] body) throws Refused {
    if (!"POST".equals(ex.getRequestMethod())
        || !String.valueOf(SigV4.first(ex.getRequestHeaders(), "content-type")).startsWith(JSON)) {
      throw new Refused("SerializationException", "expected a POST of " + JSON);
    }
    String authorization = String.valueOf(SigV4.first(ex.getRequestHeaders(), "authorization"));
    if (!authorization.contains("/secretsmanager/aws4_request")) {
      throw new Refused("InvalidSignatureException",
          "Credential should be scoped to correct service: 'secretsmanager'.");
    }
    String keyId = SigV4.verifiedKeyId("POST", ex.getRequestURI().getRawPath(),
        ex.getRequestHeaders(), body, id -> fake.caller(id).map(FakeSecretsManager.Caller::secret).orElse(null));
    if (keyId == null) {
      throw new Refused("InvalidSignatureException", "The request signature we calculated does"
          + " not match the signature you provided.");
    }
    FakeSecretsManager.Caller caller = fake.caller(keyId).orElseThrow();
    if (caller.session().isPresent()) {
      FakeSts.Minted m = caller.session().get();
      if (!m.sessionToken().equals(SigV4.first(ex.getRequestHeaders(), "x-amz-security-token"))) {
        throw new Refused("UnrecognizedClientException", "The security token included in the"
            + " request is invalid.");
      }
      if (!clock.instant().isBefore(m.expiration())) {
        throw new Refused("ExpiredTokenException", "The security token included in the request"
            + " is expired");
      }
    }
    return caller.principal();
  }

  private Map<String, Object> getSecretValue(Map<String, Object> in, String principal)
      throws Refused {
    FakeSecretsManager.Stored s = readable(in, principal, "GetSecretValue");
    Optional<String> versionId = text(in, "VersionId", "versionId", 32, 64);
    Optional<String> stage = text(in, "VersionStage", "versionStage", 1, 256);
    if (s.deleted != null) {
      throw new Refused("InvalidRequestException", "You can't perform this operation on the"
          + " secret because it was marked for deletion.");
    }
    String id;
    synchronized (fake) {
      id = versionId.orElseGet(() -> s.stages.get(stage.orElse(FakeSecretsManager.CURRENT)));
      if (id == null || !s.versions.containsKey(id)
          || (stage.isPresent() && !id.equals(s.stages.get(stage.get())))) {
        throw new Refused("ResourceNotFoundException", "Secrets Manager can't find the specified"
            + " secret value for " + versionId.map(v -> "VersionId: " + v)
                .orElse("staging label: " + stage.orElse(FakeSecretsManager.CURRENT)));
      }
    }
    FakeSecretsManager.Version v = fake.maybeOversized(s.versions.get(id));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ARN", s.arn);
    out.put("Name", s.name);
    out.put("VersionId", v.id());
    if (v.binary() != null) {
      out.put("SecretBinary", Base64.getEncoder().encodeToString(v.binary()));
    } else {
      out.put("SecretString", v.string());
    }
    synchronized (fake) {
      out.put("VersionStages", s.stagesOf(v.id()));
    }
    out.put("CreatedDate", epochSeconds(v.created()));
    return out;
  }

  private Map<String, Object> describeSecret(Map<String, Object> in, String principal)
      throws Refused {
    FakeSecretsManager.Stored s = readable(in, principal, "DescribeSecret");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ARN", s.arn);
    out.put("Name", s.name);
    out.put("CreatedDate", epochSeconds(s.created));
    if (s.deleted != null) {
      out.put("DeletedDate", epochSeconds(s.deleted));
    }
    Map<String, Object> stages = new LinkedHashMap<>();
    synchronized (fake) {
      for (String id : s.versions.keySet()) {
        List<String> labels = s.stagesOf(id);
        if (!labels.isEmpty()) {
          stages.put(id, labels);
        }
      }
    }
    out.put("VersionIdsToStages", stages);
    return out;
  }

  /** The secret named by SecretId, if it exists and the principal may read it. */
  private FakeSecretsManager.Stored readable(Map<String, Object> in, String principal,
      String action) throws Refused {
    String secretId = text(in, "SecretId", "secretId", 1, 2048).orElseThrow(() -> new Refused(
        "ValidationException", "1 validation error detected: Value null at 'secretId' failed to"
            + " satisfy constraint: Member must not be null"));
    FakeSecretsManager.Stored s = fake.find(secretId).orElseThrow(() -> new Refused(
        "ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    if (s.onlyPrincipal != null && !s.onlyPrincipal.equals(principal)) {
      throw new Refused("AccessDeniedException", "User: " + principal + " is not authorized to"
          + " perform: secretsmanager:" + action + " on resource: " + secretId
          + " because no resource-based policy allows the secretsmanager:" + action + " action");
    }
    return s;
  }

  private static Optional<String> text(Map<String, Object> in, String key, String member, int min,
      int max) throws Refused {
    Object v = in.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s) || s.length() < min || s.length() > max) {
      throw new Refused("ValidationException", "1 validation error detected: Value at '" + member
          + "' failed to satisfy constraint: Member must have length between " + min + " and "
          + max);
    }
    return Optional.of(s);
  }

  private static double epochSeconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

  private static void error(HttpExchange ex, int status, String code, String message)
      throws IOException {
    ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    LoopbackHttp.send(ex, status, JSON, JSONObjectUtils.toJSONString(
        Map.of("__type", code, "message", message)));
  }
}
