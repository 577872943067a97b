package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev1.IsakmpHeader;
import io.ipsecmesh.proto.ikev1.IsakmpPayload;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Hash;
import io.ipsecmesh.proto.ikev1.PayloadChain;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encrypted ISAKMP messages of an SA (RFC 2408 §3.1 E flag, RFC 2409 Appendix B) and the HASH payloads
 * that authenticate phase-2 and informational messages (RFC 2409 §5.5, §5.7): the HASH covers the
 * message ID and the payloads after it exactly as they are on the wire.
 */
final class Protection {

  private Protection() {}

  /** A decrypted message: the plaintext and its payload chain (padding after {@code chain.end()}). */
  record Opened(IsakmpHeader header, byte[] plain, PayloadChain chain) {

    /** Body of payload {@code index} without its generic header, as received. */
    byte[] body(int index) {
      PayloadChain.Span s = chain.spans().get(index);
      return Arrays.copyOfRange(plain, s.bodyOffset(), s.offset() + s.length());
    }

    /** The payloads after the first one (the HASH), generic headers included, as received. */
    byte[] afterFirst() {
      if (chain.spans().size() < 2) {
        return new byte[0];
      }
      return Arrays.copyOfRange(plain, chain.spans().get(1).offset(), chain.end());
    }
  }

  static byte[] seal(IsakmpSa sa, int exchangeType, long messageId, byte[] iv, List<IsakmpPayload> payloads) {
    IsakmpHeader h = new IsakmpHeader(sa.cookieI, sa.cookieR, IsakmpCodec.firstType(payloads),
        IsakmpConstants.MAJOR_VERSION, IsakmpConstants.MINOR_VERSION, exchangeType, IsakmpConstants.FLAG_ENCRYPTION,
        messageId, 0);
    byte[] plain = IsakmpCodec.encodeChain(payloads);
    byte[] cipher = CbcCipher.encrypt(sa.keys.cipher(), sa.keys.block(), sa.keys.encryptionKey(), iv, plain);
    return IsakmpCodec.encodeMessage(h, cipher);
  }

  /** Null when the message is not encrypted, not whole blocks, or its plaintext is not a payload chain. */
  static Opened open(IsakmpSa sa, byte[] msg, IsakmpHeader h, byte[] iv) {
    if (!h.encrypted() || sa.keys == null) {
      return null;
    }
    byte[] plain = CbcCipher.decrypt(sa.keys.cipher(), sa.keys.block(), sa.keys.encryptionKey(), iv, msg, IsakmpHeader.SIZE, msg.length - IsakmpHeader.SIZE);
    if (plain == null) {
      return null;
    }
    try {
      return new Opened(h, plain, IsakmpCodec.decodeChain(h.nextPayload(), plain, 0, plain.length, true));
    } catch (IkeDecodeException e) {
      return null;
    }
  }

  /**
   * [HASH] + rest with HASH = prf(SKEYID_a, M-ID | between | rest): HASH(1) of QM1 and of informationals
   * ({@code between} empty), HASH(2) of QM2 ({@code between} = Ni_b).
   */
  static List<IsakmpPayload> withHash(IsakmpSa sa, long messageId, byte[] between, List<IsakmpPayload> rest) {
    byte[] restBytes = IsakmpCodec.encodeChain(rest);
    byte[] hash = sa.keys.prfA(IsakmpCodec.uint32(messageId), between, restBytes);
    List<IsakmpPayload> out = new ArrayList<>();
    out.add(new Hash(hash));
    out.addAll(rest);
    return out;
  }

  /** Whether the first payload is a HASH equal (in constant time) to the expected value. */
  static boolean hashMatches(Opened o, byte[] expected) {
    if (o.chain().payloads().isEmpty() || !(o.chain().payloads().getFirst() instanceof Hash h)) {
      return false;
    }
    return MessageDigest.isEqual(expected, h.data());
  }

  /** HASH(1)-style check: prf(SKEYID_a, M-ID | payloads after the HASH). */
  static boolean verifyHash1(IsakmpSa sa, Opened o) {
    return hashMatches(o, sa.keys.prfA(IsakmpCodec.uint32(o.header().messageId()), o.afterFirst()));
  }
}
