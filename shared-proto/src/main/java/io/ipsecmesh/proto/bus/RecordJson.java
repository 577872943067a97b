package io.ipsecmesh.proto.bus;

import io.ipsecmesh.proto.config.Authenticated;
import io.ipsecmesh.proto.config.Sealed;
import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.ProcessKek;
import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.runtime.ThreadJce;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Maps the event-bus message records (and the SA/config records stored in Hazelcast) to JSON and
 * back, by their record components. One mapping for every record means no hand-built JsonObject
 * anywhere and no Java deserialisation of cluster input. Supported component types: primitives and
 * their boxes, String, enums, byte[] (base64), nested records, List and Map&lt;String, V&gt; of these.
 *
 * <p>A String or byte[] component marked {@link Sealed} is a secret: it is written sealed
 * ({@link SecretBox}, purpose {@value #SEAL_PURPOSE}) with the record type, the component name and
 * the record's other components as associated data, and a value that does not open (altered, moved to
 * another record, another KEK, or written in clear) fails the whole record.
 */
public final class RecordJson {

  /**
   * What this class reads of a record type, once per type: {@code Class.getRecordComponents()} builds new
   * component objects on every call, and each of them parses its annotations again, which made reflection the
   * largest cost of writing a Child SA record (docs/performance.md, "IKEv2 responder under load").
   */
  private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
    @Override
    protected Shape computeValue(Class<?> type) {
      return new Shape(type);
    }
  };
  /** The keys derived from the process KEK for sealing and MACs, for the KEK they were derived from. */
  private static volatile DerivedKeys derived;
  /** HKDF purpose of the key that seals {@link Sealed} components. */
  public static final String SEAL_PURPOSE = "record-secrets";
  /** HKDF purpose of the key of the {@value #MAC_MEMBER} of {@link Authenticated} records. */
  public static final String MAC_PURPOSE = "record-mac";
  /** The JSON member that carries an {@link Authenticated} record's MAC. */
  public static final String MAC_MEMBER = "$mac";

  private RecordJson() {}

  public static JsonObject toJson(Record record) {
    return toJson(record, Form.SEALED);
  }

  /** HMAC-SHA256 under HKDF(process KEK, record-mac) of the record's type and normalized JSON. */
  private static byte[] mac(Record record) {
    try {
      byte[] json = normalized(record).encode().getBytes(StandardCharsets.UTF_8); // before the Mac is taken
      SecretKeySpec key = keys().mac;
      Mac mac = ThreadJce.mac("HmacSHA256");
      mac.init(key);
      mac.update((SHAPES.get(record.getClass()).wireName + "\n").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(json);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * The sealing box and MAC key of the process KEK, derived once per KEK rather than for every record (an HKDF
   * each time): they live as long as the KEK they come from, which this process holds anyway.
   */
  private static DerivedKeys keys() {
    Kek kek = ProcessKek.current();
    DerivedKeys d = derived;
    if (d == null || d.kek != kek) {
      d = new DerivedKeys(kek);
      derived = d;
    }
    return d;
  }

  private static final class DerivedKeys {
    final Kek kek;
    final SecretBox box;
    final SecretKeySpec mac;

    DerivedKeys(Kek kek) {
      this.kek = kek;
      this.box = new SecretBox(kek, SEAL_PURPOSE);
      byte[] k = kek.derive(MAC_PURPOSE);
      try {
        this.mac = new SecretKeySpec(k, "HmacSHA256");
      } finally {
        Arrays.fill(k, (byte) 0);
      }
    }
  }

  /** A record type's components, accessors, annotations and canonical constructor, read once. */
  private static final class Shape {
    final RecordComponent[] comps;
    final Method[] accessors;
    final boolean[] sealed;
    final boolean anySealed;
    final boolean authenticated;
    final String wireName;
    final Constructor<?> constructor;

    Shape(Class<?> type) {
      comps = type.getRecordComponents();
      accessors = new Method[comps.length];
      sealed = new boolean[comps.length];
      boolean any = false;
      for (int i = 0; i < comps.length; i++) {
        accessors[i] = comps[i].getAccessor();
        sealed[i] = comps[i].isAnnotationPresent(Sealed.class);
        any |= sealed[i];
      }
      anySealed = any;
      authenticated = type.isAnnotationPresent(Authenticated.class);
      WireName w = type.getAnnotation(WireName.class);
      wireName = w != null ? w.value() : type.getName();
      constructor = canonical(type, comps);
    }
  }

  /**
   * How a record is written. {@code SEALED}: for the wire and the maps. {@code CLEAR}: the {@link Sealed} components
   * in clear, for MACs only. {@code NORMALIZED}: in clear, and a null list or map written as an empty one — what
   * {@link #fromJson} makes of a null (the form a record has once it has crossed the wire), so that a sender and a
   * receiver MAC the same bytes however the record was built.
   */
  private enum Form { SEALED, CLEAR, NORMALIZED }

  /**
   * The record with its {@link Sealed} components in clear: deterministic (sealing draws a random
   * nonce), for MACs over a message ({@code ControlAuth}) only. Never sent, never stored.
   */
  public static JsonObject canonical(Record record) {
    return toJson(record, Form.CLEAR);
  }

  private static JsonObject toJson(Record record, Form form) {
    JsonObject json = new JsonObject();
    Shape shape = SHAPES.get(record.getClass());
    RecordComponent[] comps = shape.comps;
    Object[] values = new Object[comps.length];
    for (int i = 0; i < comps.length; i++) {
      try {
        values[i] = shape.accessors[i].invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + comps[i], e);
      }
    }
    boolean seal = form == Form.SEALED;
    // the unsealed components first: the sealed ones' associated data is made of them, encoded once for both
    Object[] encoded = new Object[comps.length];
    for (int i = 0; i < comps.length; i++) {
      if (!(shape.sealed[i] && seal)) {
        encoded[i] = values[i] == null ? (form == Form.NORMALIZED ? emptyOf(comps[i].getType()) : null)
            : encode(values[i], form, comps[i].getGenericType());
      }
    }
    String otherComponents = shape.anySealed && seal ? otherComponents(shape, encoded) : null;
    SecretBox box = otherComponents != null ? keys().box : null;
    for (int i = 0; i < comps.length; i++) {
      Object v = values[i];
      if (shape.sealed[i] && seal) {
        if (v != null) {
          String ad = associatedData(shape, i, otherComponents);
          json.put(comps[i].getName(), v instanceof byte[] b ? box.seal(b, ad) : box.seal((String) v, ad));
        }
      } else if (encoded[i] != null) {
        json.put(comps[i].getName(), encoded[i]);
      }
    }
    if (seal && shape.authenticated) {
      json.put(MAC_MEMBER, Base64.getEncoder().encodeToString(mac(record)));
    }
    return json;
  }

  /**
   * What binds a sealed component to its record: the record type, the component and every other
   * (unsealed) component's value, each as this class writes it ({@link #otherComponents}).
   */
  private static String associatedData(Shape shape, int sealed, String otherComponents) {
    return "ipsec-mesh sealed v1|" + shape.wireName + '.' + shape.comps[sealed].getName() + otherComponents;
  }

  /** The unsealed components' part of the associated data, from their values as {@link #encode} wrote them. */
  private static String otherComponents(Shape shape, Object[] encoded) {
    RecordComponent[] comps = shape.comps;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < comps.length; i++) {
      if (!shape.sealed[i]) {
        Object v = encoded[i];
        b.append('|').append(comps[i].getName()).append('=')
            .append(v == null ? "null" : io.vertx.core.json.Json.encode(v));
      }
    }
    return b.toString();
  }

  /** The name a record type is bound to on the wire and in the shared maps: its {@link WireName}, else its class name. */
  public static String wireName(Class<?> type) {
    if (type.isRecord()) {
      return SHAPES.get(type).wireName;
    }
    WireName w = type.getAnnotation(WireName.class);
    return w != null ? w.value() : type.getName();
  }

  public static <T extends Record> T fromJson(JsonObject json, Class<T> type) {
    return fromJson(json, type, true);
  }

  /**
   * The record in clear with every null list or map written as an empty one: the {@link #canonical} form of the
   * record as it comes off the wire ({@link #fromJson} makes a null list empty), written without the round trip,
   * which was the largest cost of a Child SA record's MAC. One form for a record however it was built, so a
   * sender and a receiver MAC the same bytes.
   */
  public static JsonObject normalized(Record record) {
    return toJson(record, Form.NORMALIZED);
  }

  private static <T extends Record> T fromJson(JsonObject json, Class<T> type, boolean sealed) {
    Shape shape = SHAPES.get(type);
    RecordComponent[] comps = shape.comps;
    Object[] args = new Object[comps.length];
    boolean anySealed = false;
    for (int i = 0; i < comps.length; i++) {
      RecordComponent c = comps[i];
      if (sealed && shape.sealed[i]) {
        anySealed = true;
        continue;
      }
      Object raw = json.getValue(c.getName());
      args[i] = decode(raw, c.getType(), c.getGenericType(), c.getName(), sealed);
    }
    if (anySealed) {
      SecretBox box = keys().box;
      Object[] encoded = new Object[comps.length];
      for (int i = 0; i < comps.length; i++) {
        if (!shape.sealed[i] && args[i] != null) {
          encoded[i] = encode(args[i], Form.SEALED, comps[i].getGenericType());
        }
      }
      String otherComponents = otherComponents(shape, encoded);
      for (int i = 0; i < comps.length; i++) {
        RecordComponent c = comps[i];
        if (!shape.sealed[i]) {
          continue;
        }
        Object raw = json.getValue(c.getName());
        if (raw == null) {
          continue;
        }
        if (!(raw instanceof String text)) {
          throw new IllegalArgumentException(type.getSimpleName() + ": field '" + c.getName() + "' is not a sealed secret");
        }
        String ad = associatedData(shape, i, otherComponents);
        try {
          args[i] = c.getType() == byte[].class ? box.open(text, ad) : box.openString(text, ad);
        } catch (SecretBox.SealedSecretException e) {
          throw new SecretBox.SealedSecretException(type.getSimpleName() + ": field '" + c.getName() + "': "
              + e.getMessage());
        }
      }
    }
    T record;
    try {
      @SuppressWarnings("unchecked")
      Constructor<T> ctor = (Constructor<T>) shape.constructor;
      record = ctor.newInstance(args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new IllegalArgumentException(type.getSimpleName() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type, e);
    }
    if (sealed && shape.authenticated) {
      Object given = json.getValue(MAC_MEMBER);
      byte[] tag;
      try {
        tag = given instanceof String t ? Base64.getDecoder().decode(t) : null;
      } catch (IllegalArgumentException e) {
        tag = null;
      }
      if (tag == null || !MessageDigest.isEqual(tag, mac(record))) {
        throw new IllegalArgumentException(type.getSimpleName() + ": " + (given == null ? "no " + MAC_MEMBER
            : MAC_MEMBER + " does not verify") + " (altered, planted, or written under another KEK)");
      }
    }
    return record;
  }

  private static Constructor<?> canonical(Class<?> type, RecordComponent[] comps) {
    Class<?>[] types = new Class<?>[comps.length];
    for (int i = 0; i < types.length; i++) {
      types[i] = comps[i].getType();
    }
    try {
      Constructor<?> c = type.getDeclaredConstructor(types);
      c.setAccessible(true);
      return c;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A component's value as JSON. {@code type} is its declared type, for {@code NORMALIZED}: a null element or value
   * of a list or map type is written empty there, as {@link #decode} reads a null.
   */
  private static Object encode(Object v, Form form, Type type) {
    if (v instanceof Record r) {
      return toJson(r, form);
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    if (v instanceof List<?> list) {
      Type elem = typeArgument(type, 0);
      JsonArray a = new JsonArray();
      for (Object o : list) {
        a.add(o == null ? nullOf(form, elem) : encode(o, form, elem));
      }
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      Type val = typeArgument(type, 1);
      JsonObject o = new JsonObject();
      map.forEach((k, x) -> o.put(String.valueOf(k), x == null ? nullOf(form, val) : encode(x, form, val)));
      return o;
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Character ch) {
      return String.valueOf(ch);
    }
    throw new IllegalArgumentException("unsupported component type " + v.getClass());
  }

  private static Object nullOf(Form form, Type type) {
    if (form != Form.NORMALIZED) {
      return null;
    }
    return type instanceof Class<?> c ? emptyOf(c) : type instanceof ParameterizedType p ? emptyOf(rawClass(p)) : null;
  }

  /** What {@link #decode} makes of a null of this type, if that is not null: an empty list or map. */
  private static Object emptyOf(Class<?> type) {
    if (type == List.class) {
      return new JsonArray();
    }
    if (type == Map.class) {
      return new JsonObject();
    }
    return null;
  }

  private static Type typeArgument(Type type, int i) {
    return type instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : null;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object decode(Object raw, Class<?> type, Type generic, String name, boolean sealed) {
    if (raw == null) {
      if (type.isPrimitive()) {
        if (type == boolean.class) {
          return false;
        }
        if (type == char.class) {
          return '\0';
        }
        return Array.get(Array.newInstance(type, 1), 0);
      }
      if (type == List.class) {
        return List.of();
      }
      if (type == Map.class) {
        return Map.of();
      }
      return null;
    }
    try {
      if (type == String.class) {
        return (String) raw;
      }
      if (type == int.class || type == Integer.class) {
        return ((Number) raw).intValue();
      }
      if (type == long.class || type == Long.class) {
        return ((Number) raw).longValue();
      }
      if (type == boolean.class || type == Boolean.class) {
        return (Boolean) raw;
      }
      if (type == double.class || type == Double.class) {
        return ((Number) raw).doubleValue();
      }
      if (type == short.class || type == Short.class) {
        return ((Number) raw).shortValue();
      }
      if (type == byte.class || type == Byte.class) {
        return ((Number) raw).byteValue();
      }
      if (type == char.class || type == Character.class) {
        return ((String) raw).charAt(0);
      }
      if (type == byte[].class) {
        return Base64.getDecoder().decode((String) raw);
      }
      if (type.isEnum()) {
        return Enum.valueOf((Class<Enum>) type, (String) raw);
      }
      if (type.isRecord()) {
        return fromJson((JsonObject) raw, (Class<Record>) type, sealed);
      }
      if (type == List.class) {
        Type elem = ((ParameterizedType) generic).getActualTypeArguments()[0];
        List<Object> out = new ArrayList<>();
        for (Object o : (JsonArray) raw) {
          out.add(decode(o, rawClass(elem), elem, name, sealed));
        }
        return Collections.unmodifiableList(out);
      }
      if (type == Map.class) {
        Type val = ((ParameterizedType) generic).getActualTypeArguments()[1];
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : (JsonObject) raw) {
          out.put(e.getKey(), decode(e.getValue(), rawClass(val), val, name, sealed));
        }
        return Collections.unmodifiableMap(out);
      }
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new IllegalArgumentException("field '" + name + "': " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("field '" + name + "': unsupported type " + type);
  }

  private static Class<?> rawClass(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalArgumentException("unsupported generic type " + t);
  }
}
