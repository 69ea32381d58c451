package dev.credbroker.server.aws;

import dev.credbroker.server.aws.AwsCallException.Kind;
import dev.credbroker.server.ops.LogText;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs one AWS operation and turns every failure into an {@link AwsCallException} of one kind.
 * The SDK has already retried throttling and 5xx by then. Messages carry the AWS error code and
 * AWS's own message, or only the exception's type when AWS never answered. AWS's message can echo
 * what a caller sent (a version stage, a session tag), so it is escaped and cut to
 * {@link #MAX_AWS_MESSAGE} characters before it reaches a status description or a log.
 */
final class AwsErrors {
  /** AWS's error messages are a sentence or two; anything longer is not worth passing on. */
  static final int MAX_AWS_MESSAGE = 512;

  private AwsErrors() {}

  static <C, T> T send(String service, C client, Function<C, T> operation, Map<String, Kind> kinds)
      throws AwsCallException {
    try {
      return operation.apply(client);
    } catch (AwsServiceException e) {
      throw classify(service, e, kinds);
    } catch (SdkClientException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ResponseLimit.TooLarge large) {
          throw new AwsCallException(Kind.UNAVAILABLE, "", service + " " + large.getMessage());
        }
      }
      throw new AwsCallException(Kind.UNAVAILABLE, "",
          service + " unreachable: " + e.getClass().getSimpleName());
    } catch (SdkException e) {
      throw new AwsCallException(Kind.UNAVAILABLE, "",
          service + " call failed: " + e.getClass().getSimpleName());
    }
  }

  /** The kind named for the code in {@code kinds}, else throttled or unavailable. */
  static AwsCallException classify(String service, AwsServiceException e, Map<String, Kind> kinds) {
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails() == null ? ""
        : LogText.escape(e.awsErrorDetails().errorMessage(), MAX_AWS_MESSAGE);
    Kind kind = kinds.get(code);
    if (kind == null) {
      kind = e.isThrottlingException() ? Kind.THROTTLED : Kind.UNAVAILABLE;
    }
    return new AwsCallException(kind, code,
        service + " " + LogText.escape(code, 128) + ": " + message);
  }
}
