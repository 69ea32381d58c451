package dev.credbroker.server.grpc;

import java.util.Optional;

/** The role or secret alias a request names, as its record shows it; none until it is checked. */
record Asked(Optional<String> role, Optional<String> secret) {
  static final Asked NOTHING = new Asked(Optional.empty(), Optional.empty());

  static Asked role(String alias) {
    return new Asked(Optional.of(alias), Optional.empty());
  }

  static Asked secret(String alias) {
    return new Asked(Optional.empty(), Optional.of(alias));
  }
}
