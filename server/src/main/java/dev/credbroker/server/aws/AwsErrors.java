package dev.credbroker.server.aws;

import dev.credbroker.server.aws.AwsCallException.Kind;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs one AWS operation and turns every failure into an {@link AwsCallException} of one kind.
 * The SDK has already retried throttling and 5xx by then. Messages carry the AWS error code and
 * AWS's own message, or only the exception's type when AWS never answered.
 */
final class AwsErrors {
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
    String message = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorMessage();
    Kind kind = kinds.get(code);
    if (kind == null) {
      kind = e.isThrottlingException() ? Kind.THROTTLED : Kind.UNAVAILABLE;
    }
    return new AwsCallException(kind, code, service + " " + code + ": " + message);
  }
}
