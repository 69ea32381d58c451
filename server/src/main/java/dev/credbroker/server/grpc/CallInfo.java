package dev.credbroker.server.grpc;

import dev.credbroker.server.model.Secret;
import io.grpc.Context;
import java.util.List;

/**
 * What the transport knows about a call before any handler runs: the bearer token (or why there is
 * none), the peer address and a request id. Verification happens in the handler, asynchronously,
 * so a cold key fetch never blocks a transport thread. The token is a {@link Secret}, so printing
 * a CallInfo (a log line, a debugger) never shows it.
 */
record CallInfo(String peerAddress, java.util.Optional<java.net.InetAddress> peerIp,
    String requestId, dev.credbroker.server.auth.AuthenticationException bearerProblem,
    Secret bearer, long startNanos) {
  static final Context.Key<CallInfo> KEY = Context.key("credbroker-call-info");

  /** Parses the bearer token once per call; the check and the handler both use the result. */
  static CallInfo of(List<String> authorization, String peerAddress,
      java.util.Optional<java.net.InetAddress> peerIp, String requestId) {
    try {
      return new CallInfo(peerAddress, peerIp, requestId, null,
          Secret.of(dev.credbroker.server.auth.BearerToken.fromAuthorization(authorization)),
          System.nanoTime());
    } catch (dev.credbroker.server.auth.AuthenticationException e) {
      return new CallInfo(peerAddress, peerIp, requestId, e, null, System.nanoTime());
    }
  }

  static CallInfo current() {
    CallInfo info = KEY.get();
    if (info == null) {
      throw new IllegalStateException("CallInfoInterceptor is not installed");
    }
    return info;
  }
}
