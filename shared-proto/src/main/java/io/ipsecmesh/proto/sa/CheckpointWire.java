package io.ipsecmesh.proto.sa;

import io.ipsecmesh.proto.kek.SecretBox;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The format both checkpoint codecs write in, so that {@link IkeCheckpointCodec} and {@link IsakmpCheckpointCodec}
 * hold only their field layouts: the bounded primitives ({@link Writer}, {@link Reader}), the envelope (4-byte
 * magic, version byte, nothing after the last field), the Child SA list, and the sealed form in
 * {@link SharedMaps#IKE_CHECKPOINTS}.
 *
 * <p>Primitives, big-endian: booleans one byte 0/1, ints 4 bytes, longs 8, ports 2, strings a 2-byte length and
 * UTF-8 (at most {@value #MAX_STRING} bytes), byte arrays a 4-byte length and the bytes, lists a 2-byte count. The
 * reader checks every length and count against its cap and the bytes left before it allocates, and refuses with a
 * {@link MalformedCheckpointException} naming the field — never a runtime exception, never a value. The writer
 * refuses with {@link IllegalArgumentException} what the reader would refuse: that is our own bug, not input.
 *
 * <p>Sealed form: the encoding under {@link SecretBox} (AES-256-GCM, the key HKDF(KEK,
 * {@value IkeCheckpointCodec#SEAL_PURPOSE})) with the map key as associated data, so nothing is in clear in
 * Hazelcast, and a record altered, copied under another SA's key, or written without the cluster KEK does not open.
 */
final class CheckpointWire {

  /** Caps: far above any real value, far below what could exhaust memory. */
  static final int MAX_STRING = 1024;
  static final int MAX_CHILD_SAS = 256;
  static final int MAX_CHILD_JSON = 16 * 1024;

  private CheckpointWire() {}

  // ============================================================================ sealed form

  /** {@code plain} sealed under {@code key} (the SA id it is stored under); {@code plain} is zeroed. */
  static String seal(SecretBox box, String key, byte[] plain) {
    try {
      return box.seal(plain, associatedData(key));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** A layout's decoder of an opened record. */
  interface Decoder<T> {
    T decode(byte[] plain) throws MalformedCheckpointException;
  }

  /** The record stored under {@code key}, refused when it does not open; the opened bytes are zeroed. */
  static <T> T open(SecretBox box, String key, String sealed, Decoder<T> decoder) throws MalformedCheckpointException {
    byte[] plain;
    try {
      plain = box.open(sealed, associatedData(key));
    } catch (SecretBox.SealedSecretException e) {
      throw new MalformedCheckpointException("checkpoint " + key + ": " + e.getMessage());
    }
    try {
      return decoder.decode(plain);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Refuses a record that opened under {@code key} but names another SA ({@code id}): sealed by a writer with the
   * KEK under the wrong key. {@code destroy} zeroes its keys first.
   */
  static void requireStoredUnder(String key, String id, Runnable destroy) throws MalformedCheckpointException {
    if (!id.equals(key)) {
      destroy.run();
      throw new MalformedCheckpointException("checkpoint stored under " + key + " is of " + id);
    }
  }

  static String associatedData(String key) {
    return SharedMaps.IKE_CHECKPOINTS + "|" + key;
  }

  /** Whether {@code plain} starts with {@code magic}. */
  static boolean hasMagic(byte[] plain, byte[] magic) {
    return plain.length >= magic.length && Arrays.equals(plain, 0, magic.length, magic, 0, magic.length);
  }

  static String utf8(byte[] b, String field) throws MalformedCheckpointException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedCheckpointException(field + " is not UTF-8");
    }
  }

  // ============================================================================ writer

  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    /** The envelope's start: magic and version. */
    void header(byte[] magic, int version) {
      raw(magic);
      u8(version);
    }

    void raw(byte[] b) {
      out.write(b, 0, b.length);
    }

    void u8(int v) {
      out.write(v);
    }

    void bool(boolean v) {
      out.write(v ? 1 : 0);
    }

    void u16(int v) {
      if (v < 0 || v > 0xffff) {
        throw new IllegalArgumentException("port " + v);
      }
      out.write(v >>> 8);
      out.write(v);
    }

    void i32(int v) {
      for (int s = 24; s >= 0; s -= 8) {
        out.write(v >>> s);
      }
    }

    void i64(long v) {
      for (int s = 56; s >= 0; s -= 8) {
        out.write((int) (v >>> s));
      }
    }

    /** A string, null written as empty. */
    void str(String s) {
      byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
      if (b.length > MAX_STRING) {
        throw new IllegalArgumentException("string of " + b.length + " bytes");
      }
      u16(b.length);
      raw(b);
    }

    /** A byte array of at most {@code max} bytes, null written as empty. */
    void bytes(byte[] b, int max, String field) {
      byte[] v = b == null ? new byte[0] : b;
      if (v.length > max) {
        throw new IllegalArgumentException(field + " of " + v.length + " bytes");
      }
      i32(v.length);
      raw(v);
    }

    /** A list's 2-byte count, at most {@code max}; {@code what} names the elements ("Child SAs"). */
    void count(int n, int max, String what) {
      if (n > max) {
        throw new IllegalArgumentException("more than " + max + " " + what);
      }
      u16(n);
    }

    /** The Child SA list: each a {@link ChildSa} as {@code RecordJson} writes it. */
    void childSas(List<String> childSas) {
      count(childSas.size(), MAX_CHILD_SAS, "Child SAs");
      for (String child : childSas) {
        bytes(child.getBytes(StandardCharsets.UTF_8), MAX_CHILD_JSON, "childSas");
      }
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  // ============================================================================ reader

  static final class Reader {
    private final byte[] b;
    private int p;

    Reader(byte[] b) {
      this.b = b;
    }

    /** The envelope's start: {@code magic} and {@code version}, else refused naming the {@code kind} of SA. */
    void header(byte[] magic, int version, String kind) throws MalformedCheckpointException {
      if (!Arrays.equals(raw(magic.length, "magic"), magic)) {
        throw new MalformedCheckpointException("not an " + kind + " checkpoint (bad magic)");
      }
      int v = u8("version");
      if (v != version) {
        throw new MalformedCheckpointException(kind + " checkpoint version " + v + " (this build reads " + version
            + ")");
      }
    }

    /** The envelope's end: nothing after the last field. */
    void end() throws MalformedCheckpointException {
      if (remaining() != 0) {
        throw new MalformedCheckpointException(remaining() + " bytes after the last field");
      }
    }

    int remaining() {
      return b.length - p;
    }

    private void need(int n, String field) throws MalformedCheckpointException {
      if (n < 0 || remaining() < n) {
        throw new MalformedCheckpointException("truncated at " + field);
      }
    }

    byte[] raw(int n, String field) throws MalformedCheckpointException {
      need(n, field);
      byte[] out = Arrays.copyOfRange(b, p, p + n);
      p += n;
      return out;
    }

    int u8(String field) throws MalformedCheckpointException {
      need(1, field);
      return b[p++] & 0xff;
    }

    boolean bool(String field) throws MalformedCheckpointException {
      int v = u8(field);
      if (v > 1) {
        throw new MalformedCheckpointException(field + " is not a boolean");
      }
      return v == 1;
    }

    int u16(String field) throws MalformedCheckpointException {
      need(2, field);
      int v = (b[p] & 0xff) << 8 | b[p + 1] & 0xff;
      p += 2;
      return v;
    }

    int i32(String field) throws MalformedCheckpointException {
      need(4, field);
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v = v << 8 | b[p++] & 0xff;
      }
      return v;
    }

    long i64(String field) throws MalformedCheckpointException {
      need(8, field);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = v << 8 | b[p++] & 0xff;
      }
      return v;
    }

    String str(String field) throws MalformedCheckpointException {
      int n = u16(field);
      if (n > MAX_STRING) {
        throw new MalformedCheckpointException(field + " of " + n + " bytes above " + MAX_STRING);
      }
      return utf8(raw(n, field), field);
    }

    byte[] bytes(int max, String field) throws MalformedCheckpointException {
      int n = i32(field);
      if (n < 0 || n > max) {
        throw new MalformedCheckpointException(field + " length " + Integer.toUnsignedString(n) + " above " + max);
      }
      return raw(n, field);
    }

    /** A list's 2-byte count, refused above {@code max} before the list is allocated. */
    int count(String field, int max) throws MalformedCheckpointException {
      int n = u16(field + " count");
      if (n > max) {
        throw new MalformedCheckpointException(field + " count " + n + " above " + max);
      }
      return n;
    }

    List<String> childSas() throws MalformedCheckpointException {
      int children = count("childSas", MAX_CHILD_SAS);
      List<String> childSas = new ArrayList<>(children);
      for (int i = 0; i < children; i++) {
        childSas.add(utf8(bytes(MAX_CHILD_JSON, "childSas"), "childSas"));
      }
      return childSas;
    }
  }
}
