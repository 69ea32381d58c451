package dev.credbroker.server.grpc;

import io.grpc.MethodDescriptor.Marshaller;
import java.io.InputStream;

/**
 * A method's request marshaller that reports a body it cannot parse, or one over the broker's
 * size limit, as {@link ParsedRequest.Malformed} instead of throwing: a throw here happens before
 * any listener runs, where nothing of the broker's can answer it. The transport admits bodies up
 * to {@link BrokerServer#TRANSPORT_HEADROOM} times the limit, so an oversized one still arrives
 * here to be refused and recorded.
 */
final class ParsingMarshaller<Q> implements Marshaller<ParsedRequest<Q>> {
  private final Marshaller<Q> message;
  private final int maxBytes;

  ParsingMarshaller(Marshaller<Q> message, int maxBytes) {
    this.message = message;
    this.maxBytes = maxBytes;
  }

  @Override
  public ParsedRequest<Q> parse(InputStream body) {
    try {
      if (body instanceof io.grpc.KnownLength && body.available() > maxBytes) {
        return new ParsedRequest.Malformed<>(io.grpc.Status.Code.RESOURCE_EXHAUSTED,
            "request body over the broker's limit of " + maxBytes + " bytes"
                + " (server.limits.max_inbound_message_size)");
      }
      return new ParsedRequest.Message<>(message.parse(body));
    } catch (RuntimeException e) {
      return ParsedRequest.Malformed.from(e);
    } catch (java.io.IOException e) {
      return ParsedRequest.Malformed.from(new java.io.UncheckedIOException(e));
    }
  }

  @Override
  public InputStream stream(ParsedRequest<Q> request) {
    if (request instanceof ParsedRequest.Message<Q> m) {
      return message.stream(m.value());
    }
    throw new IllegalStateException("a malformed request has no bytes to send");
  }
}
