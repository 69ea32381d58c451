package dev.credbroker.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A channel's I/O thread is its own and ends with it, so a short-lived command exits without
 * the JVM waiting on a thread parked in a system call.
 */
class BrokerChannelsTest {

  @Test
  void awaitTermination_endsTheChannelsOwnIoThread() throws Exception {
    Set<Thread> before = ioThreads();
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort(); // nothing listens once closed: the connect attempt fails
    }
    ManagedChannel channel = BrokerChannels.open("127.0.0.1:" + port, BrokerChannels.plaintext(),
        4);
    CountDownLatch tried = new CountDownLatch(1);
    ConnectivityState state = channel.getState(true);
    channel.notifyWhenStateChanged(state, tried::countDown);
    assertTrue(tried.await(10, TimeUnit.SECONDS), "the channel never tried to connect");
    Set<Thread> started = ioThreads();
    started.removeAll(before);
    assertEquals(1, started.size(), "one I/O thread of the channel's own: " + started);

    channel.shutdown();
    assertTrue(channel.awaitTermination(10, TimeUnit.SECONDS));

    assertTrue(channel.isTerminated());
    Thread io = started.iterator().next();
    io.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(io.isAlive(), "the I/O thread outlived its channel");
  }

  private static Set<Thread> ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("credbroker-io")).collect(Collectors.toSet());
  }
}
