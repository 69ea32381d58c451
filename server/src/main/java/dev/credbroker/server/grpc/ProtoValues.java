package dev.credbroker.server.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.Value;
import dev.credbroker.proto.v1.SecretValue;
import dev.credbroker.server.cache.SecretVendor;
import dev.credbroker.server.model.SecretVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Conversions from model values to protobuf well-known types and broker messages. */
final class ProtoValues {
  private ProtoValues() {}

  /** The one place a secret value is revealed: into the response for its entitled caller. */
  static SecretValue secretValue(SecretVendor.Vended v) {
    SecretVersion s = v.version();
    SecretValue.Builder b = SecretValue.newBuilder()
        .setSecret(v.alias())
        .setName(s.name())
        .setArn(s.arn())
        .setVersionId(s.versionId())
        .addAllVersionStages(s.versionStages());
    s.createdDate().ifPresent(t -> b.setCreatedDate(timestamp(t)));
    s.string().ifPresent(value -> b.setSecretString(value.reveal()));
    s.binary().ifPresent(
        bytes -> b.setSecretBinary(UnsafeByteOperations.unsafeWrap(bytes.reveal())));
    return b.build();
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static com.google.protobuf.Duration duration(java.time.Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano())
        .build();
  }

  static Struct struct(Map<String, Object> map) {
    Struct.Builder b = Struct.newBuilder();
    map.forEach((k, v) -> b.putFields(k, value(v)));
    return b.build();
  }

  @SuppressWarnings("unchecked")
  static Value value(Object v) {
    if (v instanceof String s) {
      return Value.newBuilder().setStringValue(s).build();
    }
    if (v instanceof Boolean b) {
      return Value.newBuilder().setBoolValue(b).build();
    }
    if (v instanceof Number n) {
      return Value.newBuilder().setNumberValue(n.doubleValue()).build();
    }
    if (v instanceof Map<?, ?> m) {
      return Value.newBuilder().setStructValue(struct((Map<String, Object>) m)).build();
    }
    if (v instanceof List<?> l) {
      ListValue.Builder list = ListValue.newBuilder();
      l.forEach(e -> list.addValues(value(e)));
      return Value.newBuilder().setListValue(list).build();
    }
    return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
  }
}
