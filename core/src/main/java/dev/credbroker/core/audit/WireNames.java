package dev.credbroker.core.audit;

import java.util.Optional;
import java.util.function.Function;

/** Reading back the names the record's enums write. */
final class WireNames {
  private WireNames() {}

  static <E> Optional<E> find(E[] constants, Function<E, String> wireName, String name) {
    for (E constant : constants) {
      if (wireName.apply(constant).equals(name)) {
        return Optional.of(constant);
      }
    }
    return Optional.empty();
  }
}
