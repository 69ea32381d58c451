package dev.credbroker.server.devaws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * What STS and IAM share as AWS Query-protocol services: a form-encoded POST body with each
 * parameter once, a signer whose minted session must send its token and be unexpired, and the
 * XML envelopes of an answer and of an {@code ErrorResponse}. Each service has its own namespace.
 */
final class QueryProtocol {
  private final Clock clock;
  private final DevCredentials credentials;
  private final SigV4Verifier signatures;
  private final String xmlns;

  QueryProtocol(Clock clock, DevCredentials credentials, SigV4Verifier signatures, String xmlns) {
    this.clock = clock;
    this.credentials = credentials;
    this.signatures = signatures;
    this.xmlns = xmlns;
  }

  /** The request's parameters; a refusal when it is not a form POST or repeats a parameter. */
  static Map<String, String> form(SigV4Verifier.SignedRequest request) throws AwsRefusal {
    if (!"POST".equals(request.method())) {
      throw new AwsRefusal(405, "InvalidAction", "this endpoint accepts the Query protocol as a"
          + " form POST");
    }
    Map<String, String> out = new HashMap<>();
    String body = new String(request.body(), StandardCharsets.UTF_8);
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      try {
        String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
        if (out.put(key, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)) != null) {
          throw AwsRefusal.invalid("InvalidParameterCombination", "parameter " + key
              + " given more than once");
        }
      } catch (IllegalArgumentException e) {
        throw AwsRefusal.invalid("MalformedQueryString", "the request body is not"
            + " application/x-www-form-urlencoded");
      }
    }
    return out;
  }

  /**
   * What every action of a Query service passes first: the test's injected refusal, if any, then
   * the API version the service speaks.
   */
  static void admit(DevAwsHooks hooks, Map<String, String> form, String action, String version)
      throws AwsRefusal, InterruptedException {
    AwsRefusal injected = hooks.before(action);
    if (injected != null) {
      throw injected;
    }
    if (!version.equals(form.get("Version"))) {
      throw AwsRefusal.invalid("InvalidAction", "Could not find operation " + action
          + " for version " + form.get("Version"));
    }
  }

  /** The signer for {@code service}, which for a minted session must also send its token. */
  AccessKey caller(SigV4Verifier.SignedRequest request, String service) throws AwsRefusal {
    AccessKey key = signatures.verify(request, service, credentials::lookup);
    return switch (key.session(request.header().apply("x-amz-security-token").orElse(""),
        clock.instant())) {
      case WRONG_TOKEN -> throw new AwsRefusal(403, "InvalidClientTokenId", "The security token"
          + " included in the request is invalid.");
      case EXPIRED -> throw new AwsRefusal(400, "ExpiredToken", "The security token included in"
          + " the request is expired");
      case NONE, VALID -> key;
    };
  }

  /** {@code <ActionResponse><ActionResult>result</ActionResult><ResponseMetadata>...}. */
  Answer ok(String action, String result, String requestId) {
    return new Answer(200, "text/xml", "<" + action + "Response xmlns=\"" + xmlns + "\"><"
        + action + "Result>" + result + "</" + action + "Result><ResponseMetadata><RequestId>"
        + requestId + "</RequestId></ResponseMetadata></" + action + "Response>", requestId);
  }

  /** An action with no result element (IAM's Put and Delete): response metadata only. */
  Answer done(String action, String requestId) {
    return new Answer(200, "text/xml", "<" + action + "Response xmlns=\"" + xmlns + "\">"
        + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></"
        + action + "Response>", requestId);
  }

  Answer error(AwsRefusal r, String requestId) {
    return new Answer(r.status(), "text/xml", "<ErrorResponse xmlns=\"" + xmlns + "\"><Error><Type>"
        + (r.status() >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + xml(r.code())
        + "</Code><Message>" + xml(r.getMessage()) + "</Message></Error><RequestId>" + requestId
        + "</RequestId></ErrorResponse>", requestId);
  }

  static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
