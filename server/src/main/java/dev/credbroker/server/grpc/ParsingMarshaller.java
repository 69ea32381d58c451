package dev.credbroker.server.grpc;

import io.grpc.MethodDescriptor.Marshaller;
import java.io.InputStream;

/**
 * A method's request marshaller that reports a body it cannot parse as
 * {@link ParsedRequest.Malformed} instead of throwing: a throw here happens before any listener
 * runs, where nothing of the broker's can answer it.
 */
final class ParsingMarshaller<Q> implements Marshaller<ParsedRequest<Q>> {
  private final Marshaller<Q> message;

  ParsingMarshaller(Marshaller<Q> message) {
    this.message = message;
  }

  @Override
  public ParsedRequest<Q> parse(InputStream body) {
    try {
      return new ParsedRequest.Message<>(message.parse(body));
    } catch (RuntimeException e) {
      return ParsedRequest.Malformed.from(e);
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
