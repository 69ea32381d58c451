package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.Rpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;

/** The audited RPC a gRPC method is; every method of the broker's own services is one. */
final class Rpcs {
  private Rpcs() {}

  static Rpc of(MethodDescriptor<?, ?> method) {
    return Rpc.fromWire(method.getBareMethodName()).orElseThrow(() -> new IllegalStateException(
        "no audit name for " + method.getFullMethodName() + "; add it to core's Rpc"));
  }

  /** Fails at start, not on a refused call, when a service has a method records cannot name. */
  static void requireNamed(ServerServiceDefinition service) {
    service.getMethods().forEach(m -> of(m.getMethodDescriptor()));
  }
}
