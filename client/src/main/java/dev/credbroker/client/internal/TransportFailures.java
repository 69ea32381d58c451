package dev.credbroker.client.internal;

import dev.credbroker.client.token.TokenException;
import io.grpc.ConnectivityState;
import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Failures to reach the broker, told apart from the broker's own answers. gRPC reports both as
 * statuses, and "UNAVAILABLE: io exception" does not say whether the broker is down, the port or
 * name is wrong, or the certificate is not trusted. A status the client made itself carries the
 * transport's exception as its cause (a status received from the broker never does), or arrives
 * while the channel has no connection; it is described in words with the target and the cause:
 * {@code cannot reach the broker at 127.0.0.1:8443: connection refused}. Never a stack trace,
 * never more of the target than a host and port need.
 */
public final class TransportFailures {
  static final String UNREACHABLE = "cannot reach the broker at ";
  static final String NO_ANSWER = "no answer from the broker at ";
  private static final int TARGET_CHARS = 64;

  private TransportFailures() {}

  /**
   * What went wrong, when {@code status} was made on this side of the connection; empty for an
   * answer from the broker. {@code state} is the channel's state when the call failed.
   */
  public static Optional<String> describe(Status status, String target, ConnectivityState state,
      Duration deadline) {
    if (status.getCause() instanceof TokenException) {
      return Optional.empty(); // the token source failed: not the connection
    }
    boolean connected = state == ConnectivityState.READY;
    String at = target.length() > TARGET_CHARS ? target.substring(0, TARGET_CHARS) + "..." : target;
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return Optional.of(connected ? NO_ANSWER + at + " within " + seconds(deadline)
          : UNREACHABLE + at + ": no connection within " + seconds(deadline) + " (deadline)");
    }
    if (status.getCode() != Status.Code.UNAVAILABLE || (status.getCause() == null && connected)) {
      return Optional.empty();
    }
    return Optional.of(UNREACHABLE + at + ": " + cause(status.getCause(), Targets.host(target)));
  }

  /** Whether a BrokerException's description is one of ours rather than the broker's. */
  public static boolean isLocal(String description) {
    return description.startsWith(UNREACHABLE) || description.startsWith(NO_ANSWER);
  }

  static String cause(Throwable failure, String host) {
    if (failure == null || reset(failure)) {
      // a TLS server given a plaintext preface closes the connection, with a FIN or, as often, a
      // reset: which one depends on the timing, so both read the same
      return "the connection closed while it was set up (a TLS broker reached without TLS?)";
    }
    if (find(failure, UnknownHostException.class).isPresent()) {
      return "the name " + (host.isEmpty() ? "of the broker" : host) + " does not resolve (DNS)";
    }
    if (find(failure, NoRouteToHostException.class).isPresent()) {
      return "no route to host";
    }
    Optional<ConnectException> connect = find(failure, ConnectException.class);
    if (connect.isPresent()) {
      String m = String.valueOf(connect.get().getMessage()).toLowerCase(Locale.ROOT);
      return m.contains("refused") ? "connection refused"
          : m.contains("timed out") ? "connection timed out" : "cannot connect";
    }
    if (find(failure, CertPathBuilderException.class).isPresent()
        || find(failure, CertPathValidatorException.class).isPresent()) {
      return "TLS handshake failed: the broker's certificate is not signed by a trusted CA";
    }
    Optional<CertificateException> certificate = find(failure, CertificateException.class);
    if (certificate.isPresent()) {
      return "TLS handshake failed: the broker's certificate was refused ("
          + firstWords(certificate.get().getMessage()) + ")";
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
        return "TLS handshake failed: the broker does not speak TLS (a plaintext broker?)";
      }
    }
    String text = String.valueOf(deepest(failure).getMessage()).toUpperCase(Locale.ROOT);
    if (text.contains("CERTIFICATE_REQUIRED") || text.contains("BAD_CERTIFICATE")
        || text.contains("UNKNOWN_CA") || text.contains("CERTIFICATE_UNKNOWN")) {
      return "TLS handshake failed: the broker refused the client certificate, or wants one (mTLS)";
    }
    if (isTls(failure)) {
      return "TLS handshake failed";
    }
    return "the connection failed (" + failure.getClass().getSimpleName() + ")";
  }

  private static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  private static boolean reset(Throwable failure) {
    Throwable deepest = deepest(failure);
    return deepest instanceof IOException
        && String.valueOf(deepest.getMessage()).toLowerCase(Locale.ROOT).contains("connection reset");
  }

  private static boolean isTls(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t.getClass().getName().contains(".ssl.")) {
        return true;
      }
    }
    return false;
  }

  private static Throwable deepest(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String firstWords(String message) {
    String m = String.valueOf(message).replaceAll("\\s+", " ");
    return m.length() > 80 ? m.substring(0, 80) + "..." : m;
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }
}
