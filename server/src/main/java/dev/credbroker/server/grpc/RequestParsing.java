package dev.credbroker.server.grpc;

import dev.credbroker.server.metrics.ServerMetrics;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes a malformed request body an ordinary bad request. grpc-java parses each message with the
 * method's marshaller before any listener runs; a failure there escapes every interceptor, so the
 * caller got UNKNOWN, nothing was audited, and gRPC logged a stack trace per call. Here each
 * method's marshaller yields a {@link ParsedRequest} instead of throwing, and a
 * {@link ParsedListener} refuses the call through {@link MalformedRequests}, inside the
 * interceptors that give it a request id and its audit record.
 */
final class RequestParsing {
  private RequestParsing() {}

  /**
   * {@code service} with every method's requests parsed this way, bodies over
   * {@code maxMessageBytes} refused like malformed ones; names and schema unchanged.
   */
  static ServerServiceDefinition wrap(ServerServiceDefinition service, MalformedRequests refusals,
      int maxMessageBytes, ServerMetrics metrics) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> parsed = parsing(method, refusals, maxMessageBytes, metrics);
      descriptor.addMethod(parsed.getMethodDescriptor());
      methods.add(parsed);
    }
    ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(out::addMethod);
    return out.build();
  }

  private static <Q, R> ServerMethodDefinition<ParsedRequest<Q>, R> parsing(
      ServerMethodDefinition<Q, R> definition, MalformedRequests refusals, int maxMessageBytes,
      ServerMetrics metrics) {
    MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
    MethodDescriptor<ParsedRequest<Q>, R> parsed = method.toBuilder(
        new ParsingMarshaller<>(method.getRequestMarshaller(), maxMessageBytes),
        method.getResponseMarshaller())
        .build();
    ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
    boolean oneMessage = method.getType().clientSendsOneMessage();
    return ServerMethodDefinition.create(parsed, (ServerCall<ParsedRequest<Q>, R> call,
        io.grpc.Metadata headers) -> {
      Optional<CallInfo> info = Optional.ofNullable(CallInfo.KEY.get());
      ServerCall.Listener<Q> listener = handler.startCall(new RequestView<>(call, method), headers);
      return new ParsedListener<>(listener, oneMessage, malformed -> {
        metrics.refused(malformed.code() == io.grpc.Status.Code.RESOURCE_EXHAUSTED
            ? ServerMetrics.Refusal.OVERSIZED : ServerMetrics.Refusal.MALFORMED);
        refusals.refuse(call, info, malformed);
      });
    });
  }
}
