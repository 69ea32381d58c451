package dev.credbroker.core.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A {@code host:port} to bind. IPv6 literals are written in brackets ({@code [::1]:8443}). Port 0
 * asks the OS for a free port, which tests use.
 */
public record ListenAddress(String host, int port) {

  public ListenAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is outside 0-65535");
    }
  }

  /** Parses {@code host:port}, {@code [v6]:port}; throws {@link IllegalArgumentException}. */
  public static ListenAddress parse(String text) {
    String hint = "expected host:port such as 127.0.0.1:8443, 0.0.0.0:8443 or [::1]:8443";
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(hint);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(hint + " (IPv6 addresses go in brackets)");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(hint);
    }
    return new ListenAddress(host, port);
  }

  /** True when every address the host resolves to is a loopback address. */
  public boolean isLoopback() {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      return all.length > 0 && Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
