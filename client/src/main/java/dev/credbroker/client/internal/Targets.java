package dev.credbroker.client.internal;

import java.io.IOException;
import java.net.InetAddress;

/** Facts about gRPC target strings ({@code host:port}, {@code [v6]:port}, {@code dns:///host:port}). */
public final class Targets {
  private Targets() {}

  /** The host part, without brackets; empty when the target is not of a supported form. */
  public static String host(String target) {
    String t = target.startsWith("dns:///") ? target.substring("dns:///".length()) : target;
    String host;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      host = close < 0 ? "" : t.substring(1, close);
    } else {
      int colon = t.lastIndexOf(':');
      host = colon < 0 ? t : t.substring(0, colon);
    }
    return host.contains("/") ? "" : host;
  }

  /**
   * Whether every address the target's host resolves to is a loopback address: the only case in
   * which a bearer token may travel without TLS.
   */
  public static boolean isLoopback(String target) {
    return isLoopbackHost(host(target));
  }

  /** Whether {@code host} (a name or an address literal) resolves to loopback addresses only. */
  public static boolean isLoopbackHost(String host) {
    if (host.isEmpty()) {
      return false;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The target shortened for messages, so a token pasted by mistake is never printed whole. */
  public static String abbreviate(String s) {
    return s.length() > 24 ? s.substring(0, 24) + "..." : s;
  }
}
