package dev.credbroker.client.provider;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON object (as parsed: Map, List, String, Long, Double, Boolean) to a record, by component
 * name, with {@code snake_case} keys accepted for {@code camelCase} components. Errors name the
 * secret and the field, never a value.
 */
final class JsonRecords {
  private JsonRecords() {}

  static <R extends Record> R map(Map<String, Object> json, Class<R> type, String secret) {
    RecordComponent[] components = type.getRecordComponents();
    if (components == null) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      Object raw = json.containsKey(c.getName()) ? json.get(c.getName()) : json.get(snake(c.getName()));
      args[i] = convert(raw, c.getType(), c.getGenericType(), secret, c.getName());
    }
    try {
      Constructor<R> constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
      return constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException("secret '" + secret + "' does not fit " + type.getSimpleName()
          + ": " + cause.getClass().getSimpleName());
    }
  }

  @SuppressWarnings("unchecked")
  private static Object convert(Object raw, Class<?> type, Type generic, String secret, String field) {
    if (type == Optional.class) {
      Type inner = ((ParameterizedType) generic).getActualTypeArguments()[0];
      return raw == null ? Optional.empty()
          : Optional.of(convert(raw, (Class<?>) inner, inner, secret, field));
    }
    if (raw == null) {
      throw new IllegalArgumentException("secret '" + secret + "' has no field '" + field + "'");
    }
    if (type == String.class && raw instanceof String) {
      return raw;
    }
    if ((type == int.class || type == Integer.class) && raw instanceof Number n && n.doubleValue() == n.intValue()) {
      return n.intValue();
    }
    if ((type == long.class || type == Long.class) && raw instanceof Number n && n.doubleValue() == n.longValue()) {
      return n.longValue();
    }
    if ((type == double.class || type == Double.class) && raw instanceof Number n) {
      return n.doubleValue();
    }
    if ((type == boolean.class || type == Boolean.class) && raw instanceof Boolean) {
      return raw;
    }
    if (type.isRecord() && raw instanceof Map<?, ?> m) {
      return map((Map<String, Object>) m, (Class<Record>) type, secret);
    }
    if ((type == Map.class && raw instanceof Map) || (type == List.class && raw instanceof List)) {
      return raw;
    }
    throw new IllegalArgumentException("secret '" + secret + "': field '" + field + "' is not a "
        + type.getSimpleName());
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
