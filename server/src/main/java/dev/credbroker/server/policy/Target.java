package dev.credbroker.server.policy;

/** What a caller asks for: a role or a secret, by alias. */
public record Target(Kind kind, String alias) {

  /** Roles and secrets are separate namespaces. */
  public enum Kind { ROLE, SECRET }

  public static Target role(String alias) {
    return new Target(Kind.ROLE, alias);
  }

  public static Target secret(String alias) {
    return new Target(Kind.SECRET, alias);
  }

  @Override
  public String toString() {
    return (kind == Kind.ROLE ? "role '" : "secret '") + alias + "'";
  }
}
