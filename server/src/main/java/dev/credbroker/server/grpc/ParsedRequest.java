package dev.credbroker.server.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A request body after parsing: the method's message, or why the bytes are not one. Parsing yields
 * this instead of throwing, so a malformed body reaches the call's listener and is refused there
 * like any other bad request (see {@link RequestParsing}).
 */
sealed interface ParsedRequest<Q> {
  /** The longest problem text passed on: parser messages are constant, but bounded all the same. */
  int MAX_PROBLEM_CHARS = 120;

  record Message<Q>(Q value) implements ParsedRequest<Q> {}

  /**
   * {@code code} is INVALID_ARGUMENT, or RESOURCE_EXHAUSTED for a body that would decompress past
   * the size limit; {@code problem} is a short printable reason that never quotes the body.
   */
  record Malformed<Q>(Status.Code code, String problem) implements ParsedRequest<Q> {
    static <Q> Malformed<Q> from(RuntimeException error) {
      Status.Code code = Status.Code.INVALID_ARGUMENT;
      Throwable innermost = error;
      for (Throwable t = error; t != null; t = t.getCause()) {
        if (t instanceof StatusRuntimeException s
            && s.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
          code = Status.Code.RESOURCE_EXHAUSTED;
        }
        innermost = t;
      }
      String text = innermost instanceof StatusRuntimeException s
          ? s.getStatus().getDescription() : innermost.getMessage();
      return new Malformed<>(code, firstSentence(text == null
          ? innermost.getClass().getSimpleName() : text));
    }

    private static String firstSentence(String text) {
      int end = text.indexOf(". ");
      String sentence = (end < 0 ? text : text.substring(0, end)).replaceAll("[^\\x20-\\x7e]", "?");
      return sentence.length() > MAX_PROBLEM_CHARS
          ? sentence.substring(0, MAX_PROBLEM_CHARS) + "..." : sentence;
    }
  }
}
