package dev.credbroker.server.grpc;

import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.function.Consumer;

/**
 * Passes a handler the messages that parsed, and refuses the call instead at the first that did
 * not, or when a call that takes one message brings none or a second (which grpc-java would answer
 * with INTERNAL, unaudited). After a refusal the handler hears nothing but the call's end, so it
 * never answers a call that was already answered.
 */
final class ParsedListener<Q> extends ServerCall.Listener<ParsedRequest<Q>> {
  private final ServerCall.Listener<Q> handler;
  private final boolean oneMessage;
  private final Consumer<ParsedRequest.Malformed<Q>> refuse;
  private int messages;
  private boolean refused;

  ParsedListener(ServerCall.Listener<Q> handler, boolean oneMessage,
      Consumer<ParsedRequest.Malformed<Q>> refuse) {
    this.handler = handler;
    this.oneMessage = oneMessage;
    this.refuse = refuse;
  }

  @Override
  public void onMessage(ParsedRequest<Q> request) {
    if (refused) {
      return;
    }
    if (request instanceof ParsedRequest.Malformed<Q> malformed) {
      refuse(malformed);
    } else if (oneMessage && ++messages > 1) {
      refuse(new ParsedRequest.Malformed<>(Status.Code.INVALID_ARGUMENT,
          "this method takes one request message, and a second one came"));
    } else {
      handler.onMessage(((ParsedRequest.Message<Q>) request).value());
    }
  }

  @Override
  public void onHalfClose() {
    if (refused) {
      return;
    }
    if (oneMessage && messages == 0) {
      refuse(new ParsedRequest.Malformed<>(Status.Code.INVALID_ARGUMENT,
          "this method takes one request message, and the call ended without one"));
    } else {
      handler.onHalfClose();
    }
  }

  @Override
  public void onReady() {
    if (!refused) {
      handler.onReady();
    }
  }

  @Override
  public void onCancel() {
    handler.onCancel();
  }

  @Override
  public void onComplete() {
    handler.onComplete();
  }

  private void refuse(ParsedRequest.Malformed<Q> malformed) {
    refused = true;
    refuse.accept(malformed);
  }
}
