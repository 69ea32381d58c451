package dev.credbroker.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The HTTP side of an AWS fake: a server on a free loopback port and one way to answer. */
final class LoopbackHttp implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService threads;

  private LoopbackHttp(HttpServer http, ExecutorService threads) {
    this.http = http;
    this.threads = threads;
  }

  static LoopbackHttp start(HttpHandler handler) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    ExecutorService threads = Executors.newCachedThreadPool();
    http.setExecutor(threads);
    http.createContext("/", handler);
    http.start();
    return new LoopbackHttp(http, threads);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }
}
