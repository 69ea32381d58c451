package dev.credbroker.server.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Conversions from model values to protobuf well-known types. */
final class ProtoValues {
  private ProtoValues() {}

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
