package dev.credbroker.cli;

import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaders;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * What the credentials endpoint keeps of one request once Netty's buffers are released: the
 * headers are a copy, bounded by the decoder's limits.
 */
record EndpointRequest(HttpMethod method, String uri, HttpHeaders headers, boolean keepAlive,
    Throwable decodeFailure) {

  /**
   * The path as the JDK's URI reads it ({@code /credentials?x} and absolute forms included); null
   * if malformed. A request target starting {@code //} is a path, not an authority (the Java SDK
   * asks for {@code //latest/...} of an IMDS endpoint that ends in a slash).
   */
  String path() {
    try {
      return new URI(uri.startsWith("//") ? uri.replaceFirst("^/+", "/") : uri).getPath();
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** The header's value, or null. */
  String header(CharSequence name) {
    return headers.get(name);
  }
}
