package dev.credbroker.client.internal;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.credbroker.client.Entitlements;
import dev.credbroker.client.Identity;
import dev.credbroker.client.SecretValue;
import dev.credbroker.client.SessionCredentials;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.ListEntitlementsResponse;
import dev.credbroker.proto.v1.WhoAmIResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Wire messages to the client's own values, so no generated type appears in the public API. */
public final class ProtoConversions {
  private ProtoConversions() {}

  public static SessionCredentials credentials(AwsCredentials c) {
    return new SessionCredentials(c.getAccessKeyId(), c.getSecretAccessKey(), c.getSessionToken(),
        instant(c.getExpiration()), c.getAssumedRoleArn(), c.getRegion(), c.getRole(),
        c.getSessionName(), Optional.of(c.getSourceIdentity()).filter(s -> !s.isEmpty()));
  }

  public static SecretValue secret(dev.credbroker.proto.v1.SecretValue v) {
    Optional<Instant> created = v.hasCreatedDate() ? Optional.of(instant(v.getCreatedDate())) : Optional.empty();
    if (v.getValueCase() == dev.credbroker.proto.v1.SecretValue.ValueCase.SECRET_BINARY) {
      return SecretValue.ofBinary(v.getSecret(), v.getName(), v.getArn(), v.getVersionId(),
          v.getVersionStagesList(), created, v.getSecretBinary().toByteArray());
    }
    return SecretValue.ofString(v.getSecret(), v.getName(), v.getArn(), v.getVersionId(),
        v.getVersionStagesList(), created, v.getSecretString());
  }

  public static Entitlements entitlements(ListEntitlementsResponse r) {
    return new Entitlements(
        r.getRolesList().stream().map(e -> new Entitlements.RoleEntitlement(e.getRole(),
            e.getRoleArn(), Duration.ofSeconds(e.getMaxDuration().getSeconds(), e.getMaxDuration().getNanos()),
            e.getRuleIdsList())).toList(),
        r.getSecretsList().stream().map(e -> new Entitlements.SecretEntitlement(e.getSecret(),
            e.getSecretId(), e.getRuleIdsList())).toList());
  }

  public static Identity identity(WhoAmIResponse r) {
    return new Identity(r.getIssuer(), r.getSubject(), instant(r.getExpiration()),
        r.hasIssuedAt() ? Optional.of(instant(r.getIssuedAt())) : Optional.empty(),
        r.getAudiencesList(), struct(r.getClaims()), r.getPeerAddress());
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static Map<String, Object> struct(Struct s) {
    Map<String, Object> out = new LinkedHashMap<>();
    s.getFieldsMap().forEach((k, v) -> out.put(k, value(v)));
    return out;
  }

  private static Object value(Value v) {
    return switch (v.getKindCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case NUMBER_VALUE -> number(v.getNumberValue());
      case STRUCT_VALUE -> struct(v.getStructValue());
      case LIST_VALUE -> list(v.getListValue());
      default -> null;
    };
  }

  /** Whole numbers (timestamps, counts) as Long, so they print as 1732480000, not 1.73248E9. */
  private static Object number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (Object) (long) d : (Object) d;
  }

  private static List<Object> list(ListValue l) {
    List<Object> out = new ArrayList<>();
    l.getValuesList().forEach(v -> out.add(value(v)));
    return out;
  }
}
