package io.ipsecmesh.proto.sa;

import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.sa.CheckpointWire.Reader;
import io.ipsecmesh.proto.sa.CheckpointWire.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary and sealed form of an {@link IsakmpCheckpoint}, beside {@link IkeCheckpointCodec} and like it only a
 * field layout in {@link CheckpointWire}'s primitives: {@code "ISCP"}, version 1, the components in declaration order
 * (the message-ID list a 2-byte count of 4-byte IDs, the Child SA list as in {@link IkeCheckpointCodec}) and nothing
 * after. Capped and refusing with a {@link MalformedCheckpointException} naming the field. Sealed exactly like an IKEv2 checkpoint (same key, the map
 * key as associated data), so both kinds share {@link SharedMaps#IKE_CHECKPOINTS}; {@link #openAny} tells them
 * apart by the magic.
 */
public final class IsakmpCheckpointCodec {

  static final byte[] MAGIC = {'I', 'S', 'C', 'P'};
  static final int VERSION = 1;
  static final int MAX_KEYMAT = 1024;
  static final int MAX_IV = 16;
  /** {@code IsakmpSa.MAX_REMEMBERED_MESSAGE_IDS} and a margin. */
  static final int MAX_MESSAGE_IDS = 1024;

  private IsakmpCheckpointCodec() {}

  public static byte[] encode(IsakmpCheckpoint c) {
    Writer o = new Writer();
    o.header(MAGIC, VERSION);
    o.bool(c.initiator());
    o.i64(c.cookieI());
    o.i64(c.cookieR());
    o.i32(c.connId());
    o.i64(c.createdEpochMillis());
    o.i64(c.expiresAtEpochMillis());
    o.str(c.cryptoMap());
    o.i32(c.mapSequence());
    o.str(c.localAddress());
    o.u16(c.localPort());
    o.str(c.peerAddress());
    o.u16(c.peerPort());
    o.bool(c.natDetected());
    o.bool(c.peerNatT());
    o.bool(c.peerDpd());
    o.bool(c.aggressive());
    o.str(c.peerId());
    o.i32(c.aesKeyBits());
    o.bool(c.tripleDes());
    o.str(c.hash());
    o.i32(c.dhGroup());
    o.i64(c.lifetimeSeconds());
    o.bytes(c.keymat(), MAX_KEYMAT, "keymat");
    o.bytes(c.phase1Iv(), MAX_IV, "phase1Iv");
    o.i64(c.dpdSequence());
    o.count(c.usedMessageIds().size(), MAX_MESSAGE_IDS, "message IDs");
    for (long id : c.usedMessageIds()) {
      o.i32((int) id);
    }
    o.childSas(c.childSas());
    o.str(c.owner());
    o.i64(c.generation());
    return o.toByteArray();
  }

  /** Whether {@code plain} (an opened checkpoint) is an ISAKMP one. */
  static boolean isIsakmp(byte[] plain) {
    return CheckpointWire.hasMagic(plain, MAGIC);
  }

  public static IsakmpCheckpoint decode(byte[] b) throws MalformedCheckpointException {
    Reader in = new Reader(b);
    in.header(MAGIC, VERSION, "ISAKMP SA");
    boolean initiator = in.bool("initiator");
    long cookieI = in.i64("cookieI");
    long cookieR = in.i64("cookieR");
    if (cookieI == 0 || cookieR == 0) {
      throw new MalformedCheckpointException("checkpoint of an ISAKMP SA without both cookies");
    }
    int connId = in.i32("connId");
    long created = in.i64("createdEpochMillis");
    long expiresAt = in.i64("expiresAtEpochMillis");
    String cryptoMap = in.str("cryptoMap");
    int mapSequence = in.i32("mapSequence");
    String localAddress = in.str("localAddress");
    int localPort = in.u16("localPort");
    String peerAddress = in.str("peerAddress");
    int peerPort = in.u16("peerPort");
    boolean natDetected = in.bool("natDetected");
    boolean peerNatT = in.bool("peerNatT");
    boolean peerDpd = in.bool("peerDpd");
    boolean aggressive = in.bool("aggressive");
    String peerId = in.str("peerId");
    int aesKeyBits = in.i32("aesKeyBits");
    boolean tripleDes = in.bool("tripleDes");
    String hash = in.str("hash");
    int dhGroup = in.i32("dhGroup");
    long lifetimeSeconds = in.i64("lifetimeSeconds");
    byte[] keymat = in.bytes(MAX_KEYMAT, "keymat");
    byte[] phase1Iv = in.bytes(MAX_IV, "phase1Iv");
    long dpdSequence = in.i64("dpdSequence");
    if (dpdSequence < 0 || dpdSequence > 0xffffffffL) {
      throw new MalformedCheckpointException("DPD sequence outside 0..2^32-1 (RFC 3706 §7)");
    }
    int ids = in.count("usedMessageIds", MAX_MESSAGE_IDS);
    List<Long> used = new ArrayList<>(ids);
    for (int i = 0; i < ids; i++) {
      used.add(in.i32("usedMessageIds") & 0xffffffffL);
    }
    List<String> childSas = in.childSas();
    String owner = in.str("owner");
    long generation = in.i64("generation");
    in.end();
    return new IsakmpCheckpoint(initiator, cookieI, cookieR, connId, created, expiresAt, cryptoMap, mapSequence,
        localAddress, localPort, peerAddress, peerPort, natDetected, peerNatT, peerDpd, aggressive, peerId, aesKeyBits,
        tripleDes, hash, dhGroup, lifetimeSeconds, keymat, phase1Iv, dpdSequence, used, childSas, owner, generation);
  }

  /** The value stored under {@code c.isakmpSaId()}: sealed like an IKEv2 checkpoint. The encoding is zeroed. */
  public static String seal(SecretBox box, IsakmpCheckpoint c) {
    return CheckpointWire.seal(box, c.isakmpSaId(), encode(c));
  }

  /**
   * The checkpoint stored under {@code key}, an {@link IkeCheckpoint} or an {@link IsakmpCheckpoint} by its magic;
   * refused when it does not open, does not decode, or names another SA than its key.
   */
  public static Record openAny(SecretBox box, String key, String sealed) throws MalformedCheckpointException {
    return CheckpointWire.open(box, key, sealed, plain -> {
      if (!isIsakmp(plain)) {
        return IkeCheckpointCodec.decodeStoredUnder(key, plain);
      }
      IsakmpCheckpoint c = decode(plain);
      CheckpointWire.requireStoredUnder(key, c.isakmpSaId(), c::destroy);
      return c;
    });
  }
}
