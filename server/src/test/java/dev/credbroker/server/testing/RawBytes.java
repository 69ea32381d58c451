package dev.credbroker.server.testing;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Message bytes as they are, both ways: for calls that send what no generated stub would (garbage
 * bodies) and for the benchmarks' empty baseline RPC, the cheapest possible payload.
 */
public final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
  public static final RawBytes MARSHALLER = new RawBytes();

  private RawBytes() {}

  /** A method named {@code fullName} of {@code type} that sends and receives raw bytes. */
  public static MethodDescriptor<byte[], byte[]> method(String fullName,
      MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(fullName)
        .setRequestMarshaller(MARSHALLER).setResponseMarshaller(MARSHALLER).build();
  }

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
