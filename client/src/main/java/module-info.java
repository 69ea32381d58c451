/**
 * The Java client library: {@code BrokerClient}, the AWS SDK credentials provider and the secret
 * cache, and token sources. {@code internal} is not exported. The module requires neither the
 * server nor core, so the compiler keeps broker code out of the library.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // gRPC, protobuf, AWS SDK
module dev.credbroker.client {
  requires io.grpc;
  requires io.grpc.netty.shaded; // the channel's own I/O thread (BrokerChannels)
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.core;
  requires transitive software.amazon.awssdk.identity.spi;
  requires transitive software.amazon.awssdk.utils;
  requires com.github.benmanes.caffeine;
  requires com.nimbusds.jose.jwt;
  requires dev.credbroker.proto;
  requires java.net.http;
  requires org.slf4j;
  requires proto.google.common.protos; // google.rpc.RetryInfo in rate-limited statuses

  exports dev.credbroker.client;
  exports dev.credbroker.client.provider;
  exports dev.credbroker.client.token;
}
