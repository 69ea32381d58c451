package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.SessionCredentials;
import dev.credbroker.server.testing.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The container endpoint against hostile local clients: slow and idle connections, floods beyond
 * the connection caps, oversized requests. Raw sockets play the clients; nothing sleeps: a test
 * waits for the request's answer or for the server to close a connection.
 */
class ContainerEndpointTest {
  static final String TOKEN = "endpoint-token-0123456789";
  static final String GET = "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
      + TOKEN + "\r\nConnection: close\r\n\r\n";
  private final MutableClock clock = MutableClock.startingNow();
  private final List<SocketChannel> clients = new ArrayList<>();
  private ContainerEndpoint endpoint;

  @AfterEach
  void stop() throws IOException {
    for (SocketChannel c : clients) {
      c.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Test
  void fiveHundredSlowConnections_doNotKeepALegitimateRequestWaiting() throws Exception {
    start(EndpointLimits.DEFAULTS);
    assertTrue(exchange(GET).startsWith("HTTP/1.1 200 "), "warm: first-use costs apart");
    for (int i = 0; i < 500; i++) {
      connect("127.0.0.1").write(ascii("GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz"));
    }

    long[] micros = new long[21];
    for (int i = 0; i < micros.length; i++) {
      long started = System.nanoTime();
      String answer = exchange(GET);
      micros[i] = (System.nanoTime() - started) / 1000;
      assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.contains("ASIAENDPOINTTEST0001"), answer);
    }

    assertEquals(500, clients.stream().filter(ContainerEndpointTest::open).count(),
        "the slow connections were all still open");
    // Reported, not asserted (a shared machine's scheduling is no test verdict): docs/client.md.
    // The first request also waits for the server to accept the 500 connections just opened.
    long first = micros[0];
    Arrays.sort(micros, 1, micros.length);
    System.out.printf("GET /credentials with 500 slow connections open: first %d us, then median"
        + " %d us, max %d us%n", first, micros[micros.length / 2], micros[micros.length - 1]);
  }

  @Test
  void silentConnection_isClosedAfterTheIdleTimeout() throws Exception {
    start(limits(Duration.ofSeconds(30), Duration.ofMillis(200), 16, 16));
    assertEquals("", awaitClose(connect("127.0.0.1")), "closed without an answer");
  }

  @Test
  void keptAliveConnection_isClosedAfterTheIdleTimeoutFollowingItsAnswer() throws Exception {
    start(limits(Duration.ofSeconds(30), Duration.ofMillis(200), 16, 16));
    SocketChannel c = connect("127.0.0.1");
    c.write(ascii(GET.replace("Connection: close", "Connection: keep-alive")));
    String answer = awaitClose(c);
    assertTrue(answer.startsWith("HTTP/1.1 200 ") && !answer.contains("close"), answer);
  }

  @Test
  void trickledHeader_isAnswered408AtTheHeaderTimeoutWhateverTheIdleTimeout() throws Exception {
    start(limits(Duration.ofMillis(200), Duration.ofSeconds(30), 16, 16));
    SocketChannel c = connect("127.0.0.1");
    c.write(ascii("GET /credentials HTTP/1.1\r\n"));
    c.write(ascii("Host: 127.0.0.1\r\n"));
    String answer = awaitClose(c);
    assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
    assertTrue(answer.endsWith("{\"code\":\"RequestTimeout\",\"message\":\"the request was not"
        + " complete within 200 ms\"}"), answer);
  }

  @Test
  void atTheConnectionCap_theOldestUnansweredConnectionMakesRoom() throws Exception {
    start(limits(Duration.ofSeconds(30), Duration.ofSeconds(30), 4, 4));
    List<SocketChannel> slow = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      slow.add(connect("127.0.0.1"));
      slow.get(i).write(ascii("GET /cred"));
      assertTrue(exchange(GET).startsWith("HTTP/1.1 200 "), "a barrier: connection " + i + " accepted");
    }

    assertTrue(exchange(GET).startsWith("HTTP/1.1 200 "));

    assertEquals("", awaitClose(slow.get(0)), "the oldest made room");
    assertTrue(open(slow.get(1)) && open(slow.get(2)) && open(slow.get(3)));
  }

  @Test
  void atThePerPeerCap_onlyThatAddressesConnectionsMakeRoom() throws Exception {
    start(limits(Duration.ofSeconds(30), Duration.ofSeconds(30), 16, 2));
    SocketChannel other = connect("127.0.0.2");
    SocketChannel first = connect("127.0.0.1");
    SocketChannel second = connect("127.0.0.1");
    assertTrue(exchange(GET).startsWith("HTTP/1.1 200 "));

    assertEquals("", awaitClose(first));
    assertTrue(open(second) && open(other));
  }

  @Test
  void whenEveryConnectionIsBeingAnswered_aNewcomerIsClosed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch asked = new CountDownLatch(1);
    endpoint = ContainerEndpoint.start(InetAddress.getLoopbackAddress(), 0, TOKEN, () -> {
      asked.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return credentials();
    }, clock, limits(Duration.ofSeconds(30), Duration.ofSeconds(30), 1, 1));
    SocketChannel answering = connect("127.0.0.1");
    answering.write(ascii(GET));
    asked.await();

    assertEquals("", awaitClose(connect("127.0.0.1")), "no room: the one connection is answered");
    release.countDown();
    assertTrue(awaitClose(answering).startsWith("HTTP/1.1 200 "));
  }

  @Test
  void oversizedOrMalformedRequests_areRefusedAndClosed() throws Exception {
    start(EndpointLimits.DEFAULTS);
    assertTrue(exchange("GET /credentials HTTP/1.1\r\nX: " + "x".repeat(9000) + "\r\n\r\n")
        .startsWith("HTTP/1.1 431 "));
    assertTrue(exchange("GET /" + "c".repeat(9000) + " HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 414 "));
    assertTrue(exchange("GET /credentials HTTP/1.1\r\nContent-Length: 5000\r\nConnection: close"
        + "\r\n\r\n").startsWith("HTTP/1.1 413 "));
    assertTrue(exchange("\u0001\u0002 nonsense\r\n\r\n").startsWith("HTTP/1.1 400 "));
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder() throws Exception {
    start(EndpointLimits.DEFAULTS);
    String keepAlive = GET.replace("Connection: close", "Connection: keep-alive");
    String answers = exchange(keepAlive + GET.replace(TOKEN, "wrong") + GET);
    List<String> statuses = java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3})").matcher(answers)
        .results().map(m -> m.group(1)).toList();
    assertEquals(List.of("200", "403"), statuses, "the third came after a Connection: close");
  }

  private SessionCredentials credentials() {
    return new SessionCredentials("ASIAENDPOINTTEST0001", "endpoint-secret", "endpoint-session-token",
        clock.instant().plus(Duration.ofHours(1)), "arn:aws:sts::123456789012:assumed-role/r/s",
        "us-east-1", "r", "s", Optional.empty());
  }

  /**
   * One request on a new connection, as the SDKs' container providers make them, and everything
   * the server sent until it closed. The read timeout is a generous bound, not a measurement.
   */
  private String exchange(String request) throws IOException {
    try (Socket s = new Socket(endpoint.uri().getHost(), endpoint.uri().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void start(EndpointLimits limits) throws IOException {
    endpoint = ContainerEndpoint.start(InetAddress.getLoopbackAddress(), 0, TOKEN,
        this::credentials, clock, limits);
  }

  private static EndpointLimits limits(Duration header, Duration idle, int max, int perPeer) {
    return new EndpointLimits(header, idle, max, perPeer, 8192);
  }

  /** A connection from {@code from} (any 127.0.0.0/8 address is this machine). */
  private SocketChannel connect(String from) throws IOException {
    SocketChannel c = SocketChannel.open();
    clients.add(c);
    c.bind(new InetSocketAddress(from, 0));
    c.connect(new InetSocketAddress(endpoint.uri().getHost(), endpoint.uri().getPort()));
    return c;
  }

  /**
   * Waits until the server closes {@code c} and returns what it sent before; the 5 s limit is a
   * generous bound on a close that takes milliseconds, not a measurement.
   */
  private static String awaitClose(SocketChannel c) throws IOException {
    c.configureBlocking(false);
    StringBuilder got = new StringBuilder();
    ByteBuffer b = ByteBuffer.allocate(4096);
    try (Selector s = Selector.open()) {
      c.register(s, SelectionKey.OP_READ);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline) {
        s.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        s.selectedKeys().clear();
        b.clear();
        int n = c.read(b);
        if (n < 0) {
          return got.toString();
        }
        got.append(new String(b.array(), 0, n, StandardCharsets.UTF_8));
      }
    }
    throw new AssertionError("still open after 5 s; received: " + got);
  }

  /** Whether the server has not closed {@code c}: a non-blocking read gives -1 once it has. */
  private static boolean open(SocketChannel c) {
    try {
      c.configureBlocking(false);
      return c.read(ByteBuffer.allocate(4096)) >= 0;
    } catch (IOException e) {
      return false;
    }
  }

  static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }
}
