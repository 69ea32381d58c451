package dev.credbroker.core.audit;

import java.util.Optional;

/**
 * The calls an audit record can be about. Each is written by its gRPC method name, spelled out
 * here rather than derived from the constant's name: the text is a contract with every log already
 * on disk and with the tools that search it (docs/audit.md).
 */
public enum Rpc {
  GET_AWS_CREDENTIALS("GetAwsCredentials"),
  GET_SECRET_VALUE("GetSecretValue"),
  LIST_ENTITLEMENTS("ListEntitlements"),
  WHO_AM_I("WhoAmI"),
  SEARCH_AUDIT("SearchAudit"),
  REVOKE("Revoke"),
  LIST_REVOCATIONS("ListRevocations"),
  UNREVOKE("Unrevoke");

  private final String wireName;

  Rpc(String wireName) {
    this.wireName = wireName;
  }

  /** The method name as records hold it, e.g. {@code GetAwsCredentials}. */
  public String wireName() {
    return wireName;
  }

  /** The constant a record's {@code rpc} text (a bare gRPC method name) stands for, if any. */
  public static Optional<Rpc> fromWire(String name) {
    return WireNames.find(values(), Rpc::wireName, name);
  }
}
