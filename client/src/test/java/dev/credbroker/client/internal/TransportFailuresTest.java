package dev.credbroker.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ConnectivityState;
import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The words for causes that real connections produce only some of the time (a reset instead of a
 * close depends on timing), so end-to-end tests cannot pin them.
 */
class TransportFailuresTest {
  private static final String TARGET = "127.0.0.1:8443";
  private static final String CLOSED = "cannot reach the broker at " + TARGET
      + ": the connection closed while it was set up (a TLS broker reached without TLS?)";

  private static Optional<String> describe(Throwable cause) {
    return TransportFailures.describe(Status.UNAVAILABLE.withCause(cause), TARGET,
        ConnectivityState.TRANSIENT_FAILURE, Duration.ofSeconds(10));
  }

  @Test
  void aResetWhileConnectingReadsLikeAClose() {
    assertEquals(Optional.of(CLOSED), describe(new SocketException("Connection reset")));
    assertEquals(Optional.of(CLOSED), describe(new IOException("wrapped",
        new IOException("Connection reset by peer"))));
    assertEquals(Optional.of(CLOSED), TransportFailures.describe(Status.UNAVAILABLE, TARGET,
        ConnectivityState.TRANSIENT_FAILURE, Duration.ofSeconds(10)));
  }

  @Test
  void otherSocketFailuresKeepTheirOwnWords() {
    assertEquals(Optional.of("cannot reach the broker at " + TARGET + ": the connection failed (SocketException)"),
        describe(new SocketException("Broken pipe")));
    assertEquals(Optional.of("cannot reach the broker at " + TARGET + ": connection refused"),
        describe(new ConnectException("Connection refused")));
  }

  @Test
  void anAnswerFromAConnectedBrokerIsTheBrokers() {
    assertEquals(Optional.empty(), TransportFailures.describe(Status.UNAVAILABLE.withDescription("idp down"),
        TARGET, ConnectivityState.READY, Duration.ofSeconds(10)));
  }
}
