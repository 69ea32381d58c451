package dev.credbroker.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.Marker;

/**
 * Drops everything below INFO from the libraries whose debug output carries credentials, whatever
 * level a configuration gives them: the AWS SDK's signer logs the canonical request with the
 * broker's {@code x-amz-security-token}, the JDK's HttpURLConnection (the SDK's HTTP client) logs
 * every request header, and gRPC's and Netty's frame loggers print HTTP/2 headers with callers'
 * {@code authorization: Bearer} tokens. A turbo filter runs before any level check, so neither
 * {@code logging.level: debug}, nor a logger level set in a logback file, nor java.util.logging
 * bridged at FINEST can bring those lines back. WARN and ERROR from these libraries still pass
 * (through the escaping layouts).
 */
public final class CredentialLoggerFilter extends TurboFilter {
  /** Logger name prefixes, matched at a dot boundary. */
  static final List<String> QUIET = List.of(
      "software.amazon.awssdk",     // signer, request/response, retry stack traces, wire logs
      "sun.net.www.protocol.http",  // HttpURLConnection: every request header at FINE
      "jdk.internal.httpclient",    // java.net.http debug
      "org.apache.http",            // Apache HttpClient wire and header logs
      "io.netty",                   // Netty's LoggingHandler and HTTP/2 frame logger
      "io.grpc.netty",              // gRPC's HTTP/2 frame logger, shaded Netty included
      "javax.net.ssl");             // JSSE debug (handshake and key material)

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format,
      Object[] params, Throwable t) {
    if (level == null || level.isGreaterOrEqual(Level.INFO) || !quiet(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    return FilterReply.DENY;
  }

  static boolean quiet(String name) {
    for (String prefix : QUIET) {
      if (name.startsWith(prefix)
          && (name.length() == prefix.length() || name.charAt(prefix.length()) == '.')) {
        return true;
      }
    }
    return false;
  }
}
