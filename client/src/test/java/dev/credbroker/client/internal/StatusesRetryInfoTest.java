package dev.credbroker.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The retry delay a broker's RESOURCE_EXHAUSTED carries ({@code google.rpc.RetryInfo} in the
 * status details), and whatever a proxy may have done to those details: never an exception.
 */
class StatusesRetryInfoTest {
  private static final Metadata.Key<byte[]> DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  @Test
  void retryInfo_isRead() {
    StatusRuntimeException e = StatusProto.toStatusRuntimeException(com.google.rpc.Status
        .newBuilder().setCode(Status.Code.RESOURCE_EXHAUSTED.value()).setMessage("rate limit")
        .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(
            com.google.protobuf.Duration.newBuilder().setSeconds(2).setNanos(500_000_000)).build()))
        .build());

    assertEquals(Optional.of(Duration.ofMillis(2500)), Statuses.retryDelay(e));
    assertEquals(Optional.of(Duration.ofMillis(2500)),
        Statuses.exception(e, "broker:8443", io.grpc.ConnectivityState.READY, Duration.ofSeconds(5))
            .retryDelay());
  }

  @Test
  void noDetails_garbledDetails_orDetailsOfAnotherCode_meanNoDelay() {
    assertEquals(Optional.empty(), Statuses.retryDelay(Status.RESOURCE_EXHAUSTED.asRuntimeException()));

    Metadata garbled = new Metadata();
    garbled.put(DETAILS, "not a protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(Optional.empty(),
        Statuses.retryDelay(Status.RESOURCE_EXHAUSTED.asRuntimeException(garbled)));

    Metadata other = new Metadata();
    other.put(DETAILS, com.google.rpc.Status.newBuilder().setCode(Status.Code.OK.value())
        .addDetails(Any.pack(RetryInfo.getDefaultInstance())).build().toByteArray());
    assertEquals(Optional.empty(),
        Statuses.retryDelay(Status.RESOURCE_EXHAUSTED.asRuntimeException(other)));

    Metadata notRetryInfo = new Metadata();
    notRetryInfo.put(DETAILS, com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.RESOURCE_EXHAUSTED.value())
        .addDetails(Any.pack(com.google.rpc.DebugInfo.getDefaultInstance())).build().toByteArray());
    assertEquals(Optional.empty(),
        Statuses.retryDelay(Status.RESOURCE_EXHAUSTED.asRuntimeException(notRetryInfo)));
  }
}
