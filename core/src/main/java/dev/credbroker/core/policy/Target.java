package dev.credbroker.core.policy;

/** What a caller asks for: a role or a secret by alias, or the auditor or admin entitlement. */
public record Target(Kind kind, String alias) {

  /** Roles and secrets are separate namespaces. */
  public enum Kind { ROLE, SECRET, AUDITOR, ADMIN }

  /** Searching the audit log ({@code AuditService.SearchAudit}). */
  public static final Target AUDITOR = new Target(Kind.AUDITOR, "audit-search");

  /** Revoking and restoring identities ({@code AdminService}). */
  public static final Target ADMIN = new Target(Kind.ADMIN, "admin");

  public static Target role(String alias) {
    return new Target(Kind.ROLE, alias);
  }

  public static Target secret(String alias) {
    return new Target(Kind.SECRET, alias);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ROLE -> "role '" + alias + "'";
      case SECRET -> "secret '" + alias + "'";
      case AUDITOR -> "the auditor entitlement";
      case ADMIN -> "the admin entitlement";
    };
  }
}
