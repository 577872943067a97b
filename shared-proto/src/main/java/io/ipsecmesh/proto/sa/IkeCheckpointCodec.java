package io.ipsecmesh.proto.sa;

import io.ipsecmesh.proto.kek.SecretBox;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary form of an {@link IkeCheckpoint}, and its sealed form in {@link SharedMaps#IKE_CHECKPOINTS}.
 * Stateless and capped like the IKE codecs: every length and count is checked against the bytes left and a
 * per-field cap before anything is allocated, and every refusal is a {@link MalformedCheckpointException}
 * naming the field, never a runtime exception (a checkpoint is cluster input: another process wrote it).
 *
 * <p>Layout (big-endian): {@code "IKCP"}, version 1, then the record's components in declaration order —
 * booleans as one byte 0/1, ints as 4 bytes, longs as 8, ports as 2, strings as a 2-byte length and UTF-8,
 * byte arrays as a 4-byte length and the bytes, the Child SA list as a 2-byte count of strings with 4-byte
 * lengths — and nothing after the last.
 *
 * <p>Sealed form: the whole encoding under {@link SecretBox} (AES-256-GCM) with the key
 * HKDF(KEK, {@value #SEAL_PURPOSE}) and the map key as associated data, so no key, message ID or address is
 * in clear in Hazelcast, and a record altered, copied under another IKE SA's key, or written without the
 * cluster KEK does not open. This is how {@code RecordJson} seals the {@code @Sealed} components of Child SA
 * records; the checkpoint seals everything, as all of it is the SA's state.
 */
public final class IkeCheckpointCodec {

  public static final String SEAL_PURPOSE = "ike-checkpoint";
  static final byte[] MAGIC = {'I', 'K', 'C', 'P'};
  static final int VERSION = 1;
  /** Caps: far above any real value, far below what could exhaust memory. */
  static final int MAX_STRING = 1024;
  static final int MAX_KEYMAT = 1024;
  static final int MAX_DIGEST = 64;
  /** An IKE message is at most 64 KiB over UDP. */
  static final int MAX_RESPONSE = 65_535;
  static final int MAX_CHILD_SAS = 256;
  static final int MAX_CHILD_JSON = 16 * 1024;

  private IkeCheckpointCodec() {}

  /** A checkpoint that does not decode or does not open; the message names the field, never a value. */
  public static final class MalformedCheckpointException extends Exception {
    public MalformedCheckpointException(String message) {
      super(message);
    }
  }

  // ============================================================================ encode

  public static byte[] encode(IkeCheckpoint c) {
    Out o = new Out();
    o.raw(MAGIC);
    o.u8(VERSION);
    o.bool(c.initiator());
    o.i64(c.spiI());
    o.i64(c.spiR());
    o.i32(c.connId());
    o.i64(c.createdEpochMillis());
    o.i64(c.rekeyAtEpochMillis());
    o.str(c.cryptoMap());
    o.i32(c.mapSequence());
    o.str(c.localAddress());
    o.u16(c.localPort());
    o.str(c.peerAddress());
    o.u16(c.peerPort());
    o.bool(c.natDetected());
    o.bool(c.localBehindNat());
    o.str(c.peerId());
    o.i32(c.encr());
    o.i32(c.keyBits());
    o.i32(c.prf());
    o.i32(c.integ());
    o.i32(c.dhGroup());
    o.bytes(c.keymat(), MAX_KEYMAT, "keymat");
    o.i64(c.outboundIvCounter());
    o.i64(c.nextRequestId());
    o.i64(c.expectedRequestId());
    o.i64(c.lastResponseId());
    o.bytes(c.lastRequestDigest(), MAX_DIGEST, "lastRequestDigest");
    o.bytes(c.lastResponse(), MAX_RESPONSE, "lastResponse");
    if (c.childSas().size() > MAX_CHILD_SAS) {
      throw new IllegalArgumentException("more than " + MAX_CHILD_SAS + " Child SAs");
    }
    o.u16(c.childSas().size());
    for (String child : c.childSas()) {
      byte[] b = child.getBytes(StandardCharsets.UTF_8);
      o.bytes(b, MAX_CHILD_JSON, "childSas");
    }
    o.str(c.owner());
    o.i64(c.generation());
    return o.toByteArray();
  }

  // ============================================================================ decode

  public static IkeCheckpoint decode(byte[] b) throws MalformedCheckpointException {
    In in = new In(b);
    byte[] magic = in.raw(MAGIC.length, "magic");
    if (!Arrays.equals(magic, MAGIC)) {
      throw new MalformedCheckpointException("not an IKE SA checkpoint (bad magic)");
    }
    int version = in.u8("version");
    if (version != VERSION) {
      throw new MalformedCheckpointException("checkpoint version " + version + " (this build reads " + VERSION + ")");
    }
    boolean initiator = in.bool("initiator");
    long spiI = in.i64("spiI");
    long spiR = in.i64("spiR");
    if (spiI == 0 || spiR == 0) {
      throw new MalformedCheckpointException("checkpoint of an IKE SA without both SPIs");
    }
    int connId = in.i32("connId");
    long created = in.i64("createdEpochMillis");
    long rekeyAt = in.i64("rekeyAtEpochMillis");
    String cryptoMap = in.str("cryptoMap");
    int mapSequence = in.i32("mapSequence");
    String localAddress = in.str("localAddress");
    int localPort = in.u16("localPort");
    String peerAddress = in.str("peerAddress");
    int peerPort = in.u16("peerPort");
    boolean natDetected = in.bool("natDetected");
    boolean localBehindNat = in.bool("localBehindNat");
    String peerId = in.str("peerId");
    int encr = in.i32("encr");
    int keyBits = in.i32("keyBits");
    int prf = in.i32("prf");
    int integ = in.i32("integ");
    int dhGroup = in.i32("dhGroup");
    byte[] keymat = in.bytes(MAX_KEYMAT, "keymat");
    long ivCounter = in.i64("outboundIvCounter");
    long nextRequestId = in.i64("nextRequestId");
    long expectedRequestId = in.i64("expectedRequestId");
    long lastResponseId = in.i64("lastResponseId");
    for (long id : new long[] {nextRequestId, expectedRequestId}) {
      if (id < 0 || id > 0xffffffffL) {
        throw new MalformedCheckpointException("message ID outside 0..2^32-1 (RFC 7296 §3.1)");
      }
    }
    if (ivCounter < 0) {
      throw new MalformedCheckpointException("negative IV counter");
    }
    byte[] digest = in.bytes(MAX_DIGEST, "lastRequestDigest");
    byte[] lastResponse = in.bytes(MAX_RESPONSE, "lastResponse");
    int children = in.u16("childSas count");
    if (children > MAX_CHILD_SAS) {
      throw new MalformedCheckpointException("childSas count " + children + " above " + MAX_CHILD_SAS);
    }
    List<String> childSas = new ArrayList<>(children);
    for (int i = 0; i < children; i++) {
      childSas.add(utf8(in.bytes(MAX_CHILD_JSON, "childSas"), "childSas"));
    }
    String owner = in.str("owner");
    long generation = in.i64("generation");
    if (in.remaining() != 0) {
      throw new MalformedCheckpointException(in.remaining() + " bytes after the last field");
    }
    return new IkeCheckpoint(initiator, spiI, spiR, connId, created, rekeyAt, cryptoMap, mapSequence, localAddress,
        localPort, peerAddress, peerPort, natDetected, localBehindNat, peerId, encr, keyBits, prf, integ, dhGroup,
        keymat, ivCounter, nextRequestId, expectedRequestId, lastResponseId, digest, lastResponse, childSas, owner,
        generation);
  }

  // ============================================================================ sealed form

  /** The value stored under {@code c.ikeSaId()}: sealed, bound to that key. The encoding is zeroed. */
  public static String seal(SecretBox box, IkeCheckpoint c) {
    byte[] plain = encode(c);
    try {
      return box.seal(plain, associatedData(c.ikeSaId()));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * The checkpoint stored under {@code key}, refused when it does not open (altered, moved from another key,
   * another KEK), does not decode, or names another IKE SA than its key.
   */
  public static IkeCheckpoint open(SecretBox box, String key, String sealed) throws MalformedCheckpointException {
    byte[] plain;
    try {
      plain = box.open(sealed, associatedData(key));
    } catch (SecretBox.SealedSecretException e) {
      throw new MalformedCheckpointException("checkpoint " + key + ": " + e.getMessage());
    }
    try {
      IkeCheckpoint c = decode(plain);
      if (!c.ikeSaId().equals(key)) {
        c.destroy();
        throw new MalformedCheckpointException("checkpoint stored under " + key + " is of " + c.ikeSaId());
      }
      return c;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  static String associatedData(String key) {
    return SharedMaps.IKE_CHECKPOINTS + "|" + key;
  }

  static String utf8(byte[] b, String field) throws MalformedCheckpointException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedCheckpointException(field + " is not UTF-8");
    }
  }

  // ============================================================================ primitives

  static final class Out extends ByteArrayOutputStream {
    Out() {
      super(512);
    }

    void raw(byte[] b) {
      write(b, 0, b.length);
    }

    void u8(int v) {
      write(v);
    }

    void bool(boolean v) {
      write(v ? 1 : 0);
    }

    void u16(int v) {
      if (v < 0 || v > 0xffff) {
        throw new IllegalArgumentException("port " + v);
      }
      write(v >>> 8);
      write(v);
    }

    void i32(int v) {
      for (int s = 24; s >= 0; s -= 8) {
        write(v >>> s);
      }
    }

    void i64(long v) {
      for (int s = 56; s >= 0; s -= 8) {
        write((int) (v >>> s));
      }
    }

    void str(String s) {
      byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
      if (b.length > MAX_STRING) {
        throw new IllegalArgumentException("string of " + b.length + " bytes");
      }
      u16(b.length);
      raw(b);
    }

    void bytes(byte[] b, int max, String field) {
      byte[] v = b == null ? new byte[0] : b;
      if (v.length > max) {
        throw new IllegalArgumentException(field + " of " + v.length + " bytes");
      }
      i32(v.length);
      raw(v);
    }
  }

  static final class In {
    private final byte[] b;
    private int p;

    In(byte[] b) {
      this.b = b;
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
  }
}
