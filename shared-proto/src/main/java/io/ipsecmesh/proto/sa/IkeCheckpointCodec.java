package io.ipsecmesh.proto.sa;

import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.sa.CheckpointWire.Reader;
import io.ipsecmesh.proto.sa.CheckpointWire.Writer;
import java.util.List;

/**
 * The binary form of an {@link IkeCheckpoint}, and its sealed form in {@link SharedMaps#IKE_CHECKPOINTS}.
 * Stateless and capped like the IKE codecs; this class holds the field layout, {@link CheckpointWire} the bounded
 * primitives, the envelope and the sealing it shares with {@link IsakmpCheckpointCodec}: every length and count is
 * checked against the bytes left and a per-field cap before anything is allocated, and every refusal is a {@link
 * MalformedCheckpointException} naming the field, never a runtime exception (a checkpoint is cluster input: another
 * process wrote it).
 *
 * <p>Layout: {@code "IKCP"}, version 1, then the record's components in declaration order in
 * {@link CheckpointWire}'s primitives, the Child SA list as {@link CheckpointWire.Writer#childSas} writes it, and
 * nothing after the last.
 *
 * <p>Sealed form: the whole encoding sealed by {@link CheckpointWire#seal} with the key HKDF(KEK,
 * {@value #SEAL_PURPOSE}), so no key, message ID or address is in clear in Hazelcast. This is how {@code
 * RecordJson} seals the {@code @Sealed} components of Child SA records; the checkpoint seals everything, as all of
 * it is the SA's state.
 */
public final class IkeCheckpointCodec {

  public static final String SEAL_PURPOSE = "ike-checkpoint";
  static final byte[] MAGIC = {'I', 'K', 'C', 'P'};
  static final int VERSION = 1;
  /** Caps: far above any real value, far below what could exhaust memory. */
  static final int MAX_KEYMAT = 1024;
  static final int MAX_DIGEST = 64;
  /** An IKE message is at most 64 KiB over UDP. */
  static final int MAX_RESPONSE = 65_535;

  private IkeCheckpointCodec() {}

  // ============================================================================ encode

  public static byte[] encode(IkeCheckpoint c) {
    Writer o = new Writer();
    o.header(MAGIC, VERSION);
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
    o.childSas(c.childSas());
    o.str(c.owner());
    o.i64(c.generation());
    return o.toByteArray();
  }

  // ============================================================================ decode

  public static IkeCheckpoint decode(byte[] b) throws MalformedCheckpointException {
    Reader in = new Reader(b);
    in.header(MAGIC, VERSION, "IKE SA");
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
    List<String> childSas = in.childSas();
    String owner = in.str("owner");
    long generation = in.i64("generation");
    in.end();
    return new IkeCheckpoint(initiator, spiI, spiR, connId, created, rekeyAt, cryptoMap, mapSequence, localAddress,
        localPort, peerAddress, peerPort, natDetected, localBehindNat, peerId, encr, keyBits, prf, integ, dhGroup,
        keymat, ivCounter, nextRequestId, expectedRequestId, lastResponseId, digest, lastResponse, childSas, owner,
        generation);
  }

  // ============================================================================ sealed form

  /** The value stored under {@code c.ikeSaId()}: sealed, bound to that key. The encoding is zeroed. */
  public static String seal(SecretBox box, IkeCheckpoint c) {
    return CheckpointWire.seal(box, c.ikeSaId(), encode(c));
  }

  /**
   * The checkpoint stored under {@code key}, refused when it does not open (altered, moved from another key,
   * another KEK), does not decode, or names another IKE SA than its key.
   */
  public static IkeCheckpoint open(SecretBox box, String key, String sealed) throws MalformedCheckpointException {
    return CheckpointWire.open(box, key, sealed, plain -> decodeStoredUnder(key, plain));
  }

  /** {@link #decode}, refused when the record names another IKE SA than {@code key}. */
  static IkeCheckpoint decodeStoredUnder(String key, byte[] plain) throws MalformedCheckpointException {
    IkeCheckpoint c = decode(plain);
    CheckpointWire.requireStoredUnder(key, c.ikeSaId(), c::destroy);
    return c;
  }
}
