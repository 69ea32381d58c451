/** The credbroker.v1 wire contract: messages and gRPC stubs generated from the .proto files. */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // gRPC, protobuf, AWS SDK
module dev.credbroker.proto {
  requires transitive com.google.common; // ListenableFuture in the generated future stubs
  requires transitive com.google.protobuf;
  requires transitive io.grpc;
  requires transitive io.grpc.protobuf;
  requires transitive io.grpc.stub;

  exports dev.credbroker.proto.v1;
}
