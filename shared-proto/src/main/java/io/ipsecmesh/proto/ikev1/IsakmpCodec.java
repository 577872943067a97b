package io.ipsecmesh.proto.ikev1;

import io.ipsecmesh.proto.ike.IkeDecodeException.Kind;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Attribute;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.ConfigAttributes;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Delete;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Hash;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.KeyExchange;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.NatDiscovery;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.NatOriginalAddress;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Nonce;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Proposal;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.SecurityAssociation;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Signature;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Transform;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Unknown;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.VendorId;
import io.ipsecmesh.proto.ikev1.PayloadChain.Span;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ISAKMP wire codec (RFC 2408 §3, RFC 2407 §4.6, RFC 3947 §3). Stateless. Every length field is checked
 * against its container before anything is read or allocated, every array is a copy of input bytes of
 * an already-checked length, and element counts are capped, so a hostile datagram can neither read out
 * of bounds nor make the gateway build a large object graph. All failures are
 * {@link IkeDecodeException}. Encryption is not the codec's business: an encrypted body is handed to
 * the exchange layer as bytes and decoded with {@link #decodeChain} once decrypted.
 */
public final class IsakmpCodec {

  /** Largest ISAKMP message over UDP (65535 − IP − UDP headers). */
  public static final int MAX_MESSAGE = 65535 - 8 - 20;
  public static final int MAX_PAYLOADS = 32;
  public static final int MAX_PROPOSALS = 16;
  public static final int MAX_TRANSFORMS = 32;
  public static final int MAX_ATTRIBUTES = 16;
  /**
   * Attributes of one configuration payload: a Mode Config reply carries an address, a netmask, a few DNS/NBNS
   * servers and the Unity attributes (split includes are one attribute with 14-byte entries), far below this.
   */
  public static final int MAX_CONFIG_ATTRIBUTES = 64;
  public static final int MAX_DELETE_SPIS = 256;
  /** Largest SPI in a proposal, notify or delete: 16 bytes (ISAKMP cookie pair). */
  public static final int MAX_SPI = 16;

  private IsakmpCodec() {}

  // ---------------------------------------------------------------------------------------- decode

  /** Whether a datagram claims to be ISAKMP (major version 1), for dispatch before any other work. */
  public static boolean isIsakmp(byte[] datagram) {
    return datagram != null && datagram.length >= IsakmpHeader.SIZE && (datagram[17] & 0xf0) >>> 4 == 1;
  }

  public static IsakmpHeader decodeHeader(byte[] msg) throws IkeDecodeException {
    if (msg == null || msg.length < IsakmpHeader.SIZE) {
      throw new IkeDecodeException(Kind.TRUNCATED, "shorter than the ISAKMP header");
    }
    int version = msg[17] & 0xff;
    IsakmpHeader h = new IsakmpHeader(getLong(msg, 0), getLong(msg, 8), msg[16] & 0xff, version >>> 4,
        version & 0x0f, msg[18] & 0xff, msg[19] & 0xff, getUint32(msg, 20), getUint32(msg, 24));
    if (h.majorVersion() != IsakmpConstants.MAJOR_VERSION) {
      throw new IkeDecodeException(Kind.BAD_VERSION, "major version " + h.majorVersion());
    }
    if (msg.length > MAX_MESSAGE) {
      throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "message of " + msg.length + " bytes");
    }
    if (h.length() > msg.length) {
      throw new IkeDecodeException(Kind.TRUNCATED, "header length " + h.length() + " > datagram " + msg.length);
    }
    if (h.length() != msg.length) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "header length " + h.length() + " != datagram " + msg.length);
    }
    if (h.initiatorCookie() == 0) {
      throw new IkeDecodeException(Kind.BAD_VALUE, "zero initiator cookie");
    }
    return h;
  }

  /** A plaintext message: header and its payload chain (which must fill the message exactly). */
  public static PayloadChain decode(byte[] msg) throws IkeDecodeException {
    IsakmpHeader h = decodeHeader(msg);
    if (h.encrypted()) {
      throw new IkeDecodeException(Kind.BAD_VALUE, "encrypted message decoded as plaintext");
    }
    return decodeChain(h.nextPayload(), msg, IsakmpHeader.SIZE, msg.length - IsakmpHeader.SIZE, false);
  }

  /**
   * Decodes the payload chain that starts with type {@code first} in {@code buf[off, off+len)}. With
   * {@code allowTrailing} (decrypted bodies, RFC 2408 §3.1 padding) bytes after the last payload are
   * ignored; otherwise the chain must end exactly at the end of the range.
   */
  public static PayloadChain decodeChain(int first, byte[] buf, int off, int len, boolean allowTrailing)
      throws IkeDecodeException {
    if (buf == null || off < 0 || len < 0 || off > buf.length || len > buf.length - off) {
      throw new IkeDecodeException(Kind.TRUNCATED, "range outside the buffer");
    }
    List<IsakmpPayload> out = new ArrayList<>();
    List<Span> spans = new ArrayList<>();
    int next = first;
    int pos = off;
    int end = off + len;
    while (next != IsakmpConstants.NO_NEXT_PAYLOAD) {
      if (out.size() >= MAX_PAYLOADS) {
        throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "more than " + MAX_PAYLOADS + " payloads");
      }
      if (next == IsakmpConstants.PAYLOAD_PROPOSAL || next == IsakmpConstants.PAYLOAD_TRANSFORM) {
        // RFC 2408 §3.4: proposals and transforms only ever appear inside an SA payload
        throw new IkeDecodeException(Kind.BAD_VALUE, "payload type " + next + " outside an SA payload");
      }
      if (end - pos < 4) {
        throw new IkeDecodeException(Kind.TRUNCATED, "generic header of payload type " + next);
      }
      int following = buf[pos] & 0xff;
      int plen = getUint16(buf, pos + 2);
      if (plen < 4) {
        throw new IkeDecodeException(Kind.BAD_LENGTH, "payload length " + plen);
      }
      if (plen > end - pos) {
        throw new IkeDecodeException(Kind.TRUNCATED, "payload type " + next + " of " + plen + " bytes");
      }
      out.add(decodeBody(next, buf, pos + 4, plen - 4));
      spans.add(new Span(pos, plen));
      pos += plen;
      next = following;
    }
    if (!allowTrailing && pos != end) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, (end - pos) + " bytes after the last payload");
    }
    return new PayloadChain(List.copyOf(out), List.copyOf(spans), pos);
  }

  private static IsakmpPayload decodeBody(int type, byte[] b, int off, int len) throws IkeDecodeException {
    return switch (type) {
      case IsakmpConstants.PAYLOAD_SA -> decodeSa(b, off, len);
      case IsakmpConstants.PAYLOAD_KE -> new KeyExchange(nonEmpty(b, off, len, "KE"));
      case IsakmpConstants.PAYLOAD_ID -> {
        need(len, 4, "ID");
        yield new Identification(b[off] & 0xff, b[off + 1] & 0xff, getUint16(b, off + 2),
            Arrays.copyOfRange(b, off + 4, off + len));
      }
      case IsakmpConstants.PAYLOAD_HASH -> new Hash(nonEmpty(b, off, len, "HASH"));
      case IsakmpConstants.PAYLOAD_SIG -> new Signature(nonEmpty(b, off, len, "SIG"));
      case IsakmpConstants.PAYLOAD_NONCE -> new Nonce(nonEmpty(b, off, len, "NONCE"));
      case IsakmpConstants.PAYLOAD_N -> decodeNotification(b, off, len);
      case IsakmpConstants.PAYLOAD_D -> decodeDelete(b, off, len);
      case IsakmpConstants.PAYLOAD_VID -> new VendorId(nonEmpty(b, off, len, "VID"));
      case IsakmpConstants.PAYLOAD_NAT_D -> new NatDiscovery(nonEmpty(b, off, len, "NAT-D"));
      case IsakmpConstants.PAYLOAD_ATTR -> decodeConfigAttributes(b, off, len);
      case IsakmpConstants.PAYLOAD_NAT_OA -> {
        need(len, 4, "NAT-OA");
        yield new NatOriginalAddress(b[off] & 0xff, Arrays.copyOfRange(b, off + 4, off + len));
      }
      default -> new Unknown(type, Arrays.copyOfRange(b, off, off + len));
    };
  }

  private static SecurityAssociation decodeSa(byte[] b, int off, int len) throws IkeDecodeException {
    need(len, 8, "SA");
    long doi = getUint32(b, off);
    long situation = getUint32(b, off + 4);
    List<Proposal> proposals = new ArrayList<>();
    int pos = off + 8;
    int end = off + len;
    int next = pos < end ? IsakmpConstants.PAYLOAD_PROPOSAL : IsakmpConstants.NO_NEXT_PAYLOAD;
    while (next != IsakmpConstants.NO_NEXT_PAYLOAD) {
      if (next != IsakmpConstants.PAYLOAD_PROPOSAL) {
        throw new IkeDecodeException(Kind.BAD_VALUE, "payload type " + next + " inside an SA payload");
      }
      if (proposals.size() >= MAX_PROPOSALS) {
        throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "more than " + MAX_PROPOSALS + " proposals");
      }
      if (end - pos < 8) {
        throw new IkeDecodeException(Kind.TRUNCATED, "proposal header");
      }
      next = b[pos] & 0xff;
      int plen = getUint16(b, pos + 2);
      if (plen < 8 || plen > end - pos) {
        throw new IkeDecodeException(Kind.BAD_LENGTH, "proposal length " + plen);
      }
      proposals.add(decodeProposal(b, pos, plen));
      pos += plen;
    }
    if (pos != end) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, (end - pos) + " bytes after the last proposal");
    }
    if (proposals.isEmpty()) {
      throw new IkeDecodeException(Kind.BAD_VALUE, "SA payload without a proposal");
    }
    return new SecurityAssociation(doi, situation, List.copyOf(proposals));
  }

  private static Proposal decodeProposal(byte[] b, int off, int len) throws IkeDecodeException {
    int number = b[off + 4] & 0xff;
    int protocol = b[off + 5] & 0xff;
    int spiSize = b[off + 6] & 0xff;
    int count = b[off + 7] & 0xff;
    if (spiSize > MAX_SPI || spiSize > len - 8) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "proposal SPI of " + spiSize + " bytes");
    }
    if (count == 0 || count > MAX_TRANSFORMS) {
      throw new IkeDecodeException(count == 0 ? Kind.BAD_VALUE : Kind.LIMIT_EXCEEDED, count + " transforms");
    }
    byte[] spi = Arrays.copyOfRange(b, off + 8, off + 8 + spiSize);
    List<Transform> transforms = new ArrayList<>(count);
    int pos = off + 8 + spiSize;
    int end = off + len;
    for (int i = 0; i < count; i++) {
      if (end - pos < 8) {
        throw new IkeDecodeException(Kind.TRUNCATED, "transform header");
      }
      int next = b[pos] & 0xff;
      int tlen = getUint16(b, pos + 2);
      if (tlen < 8 || tlen > end - pos) {
        throw new IkeDecodeException(Kind.BAD_LENGTH, "transform length " + tlen);
      }
      boolean last = i == count - 1;
      if (next != (last ? IsakmpConstants.NO_NEXT_PAYLOAD : IsakmpConstants.PAYLOAD_TRANSFORM)) {
        throw new IkeDecodeException(Kind.BAD_VALUE, "transform " + i + " of " + count + " has next " + next);
      }
      transforms.add(new Transform(b[pos + 4] & 0xff, b[pos + 5] & 0xff, decodeAttributes(b, pos + 8, tlen - 8)));
      pos += tlen;
    }
    if (pos != end) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, (end - pos) + " bytes after the last transform");
    }
    return new Proposal(number, protocol, spi, List.copyOf(transforms));
  }

  /** draft-dukes-ike-mode-cfg §3.2: type, RESERVED, identifier, then data attributes. */
  private static ConfigAttributes decodeConfigAttributes(byte[] b, int off, int len) throws IkeDecodeException {
    need(len, 4, "ATTR");
    int cfgType = b[off] & 0xff;
    if (cfgType < IsakmpConstants.CFG_REQUEST || cfgType > IsakmpConstants.CFG_ACK) {
      throw new IkeDecodeException(Kind.BAD_VALUE, "configuration message type " + cfgType);
    }
    return new ConfigAttributes(cfgType, getUint16(b, off + 2),
        decodeAttributes(b, off + 4, len - 4, MAX_CONFIG_ATTRIBUTES));
  }

  private static List<Attribute> decodeAttributes(byte[] b, int off, int len) throws IkeDecodeException {
    return decodeAttributes(b, off, len, MAX_ATTRIBUTES);
  }

  private static List<Attribute> decodeAttributes(byte[] b, int off, int len, int max)
      throws IkeDecodeException {
    List<Attribute> out = new ArrayList<>();
    int pos = off;
    int end = off + len;
    while (pos < end) {
      if (out.size() >= max) {
        throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "more than " + max + " attributes");
      }
      if (end - pos < 4) {
        throw new IkeDecodeException(Kind.TRUNCATED, "attribute header");
      }
      int af = getUint16(b, pos);
      int type = af & 0x7fff;
      int v = getUint16(b, pos + 2);
      if ((af & 0x8000) != 0) {
        out.add(new Attribute(type, true, v, new byte[0]));
        pos += 4;
      } else {
        if (v > end - pos - 4) {
          throw new IkeDecodeException(Kind.TRUNCATED, "attribute " + type + " of " + v + " bytes");
        }
        out.add(new Attribute(type, false, 0, Arrays.copyOfRange(b, pos + 4, pos + 4 + v)));
        pos += 4 + v;
      }
    }
    return List.copyOf(out);
  }

  private static Notification decodeNotification(byte[] b, int off, int len) throws IkeDecodeException {
    need(len, 8, "N");
    int spiSize = b[off + 5] & 0xff;
    if (spiSize > MAX_SPI || spiSize > len - 8) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "notify SPI of " + spiSize + " bytes");
    }
    return new Notification(getUint32(b, off), b[off + 4] & 0xff, getUint16(b, off + 6),
        Arrays.copyOfRange(b, off + 8, off + 8 + spiSize), Arrays.copyOfRange(b, off + 8 + spiSize, off + len));
  }

  private static Delete decodeDelete(byte[] b, int off, int len) throws IkeDecodeException {
    need(len, 8, "D");
    int spiSize = b[off + 5] & 0xff;
    int count = getUint16(b, off + 6);
    if (spiSize == 0 || spiSize > MAX_SPI) {
      throw new IkeDecodeException(Kind.BAD_VALUE, "delete SPI size " + spiSize);
    }
    if (count > MAX_DELETE_SPIS) {
      throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, count + " SPIs in a delete");
    }
    if (count * spiSize != len - 8) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, count + " SPIs of " + spiSize + " bytes in " + (len - 8));
    }
    List<byte[]> spis = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      spis.add(Arrays.copyOfRange(b, off + 8 + i * spiSize, off + 8 + (i + 1) * spiSize));
    }
    return new Delete(getUint32(b, off), b[off + 4] & 0xff, spiSize, List.copyOf(spis));
  }

  private static byte[] nonEmpty(byte[] b, int off, int len, String what) throws IkeDecodeException {
    need(len, 1, what);
    return Arrays.copyOfRange(b, off, off + len);
  }

  private static void need(int len, int min, String what) throws IkeDecodeException {
    if (len < min) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, what + " body of " + len + " bytes, at least " + min);
    }
  }

  // ---------------------------------------------------------------------------------------- encode

  /** Header + body; the header's length is set from the body, its other fields are taken as given. */
  public static byte[] encodeMessage(IsakmpHeader h, byte[] body) {
    byte[] out = new byte[IsakmpHeader.SIZE + body.length];
    putLong(out, 0, h.initiatorCookie());
    putLong(out, 8, h.responderCookie());
    out[16] = (byte) h.nextPayload();
    out[17] = (byte) ((h.majorVersion() << 4) | (h.minorVersion() & 0x0f));
    out[18] = (byte) h.exchangeType();
    out[19] = (byte) h.flags();
    putUint32(out, 20, h.messageId());
    putUint32(out, 24, out.length);
    System.arraycopy(body, 0, out, IsakmpHeader.SIZE, body.length);
    return out;
  }

  /** A plaintext message: the header's next payload is the first payload's type. */
  public static byte[] encode(IsakmpHeader h, List<? extends IsakmpPayload> payloads) {
    return encodeMessage(h.with(firstType(payloads), h.flags(), 0), encodeChain(payloads));
  }

  public static int firstType(List<? extends IsakmpPayload> payloads) {
    return payloads.isEmpty() ? IsakmpConstants.NO_NEXT_PAYLOAD : payloads.getFirst().type();
  }

  /** Payloads with their generic headers, chained by next-payload. */
  public static byte[] encodeChain(List<? extends IsakmpPayload> payloads) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < payloads.size(); i++) {
      byte[] body = encodeBody(payloads.get(i));
      int next = i + 1 < payloads.size() ? payloads.get(i + 1).type() : IsakmpConstants.NO_NEXT_PAYLOAD;
      writeGeneric(out, next, 4 + body.length);
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** One payload's body without its generic header (the "_b" of RFC 2409, e.g. SAi_b, IDii_b). */
  public static byte[] encodeBody(IsakmpPayload p) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (p) {
      case SecurityAssociation sa -> {
        writeUint32(out, sa.doi());
        writeUint32(out, sa.situation());
        for (int i = 0; i < sa.proposals().size(); i++) {
          Proposal pr = sa.proposals().get(i);
          ByteArrayOutputStream transforms = new ByteArrayOutputStream();
          for (int t = 0; t < pr.transforms().size(); t++) {
            Transform tr = pr.transforms().get(t);
            ByteArrayOutputStream attrs = new ByteArrayOutputStream();
            writeAttributes(attrs, tr.attributes());
            boolean last = t == pr.transforms().size() - 1;
            writeGeneric(transforms, last ? 0 : IsakmpConstants.PAYLOAD_TRANSFORM, 8 + attrs.size());
            transforms.write(tr.number());
            transforms.write(tr.transformId());
            writeUint16(transforms, 0);
            transforms.writeBytes(attrs.toByteArray());
          }
          boolean last = i == sa.proposals().size() - 1;
          writeGeneric(out, last ? 0 : IsakmpConstants.PAYLOAD_PROPOSAL, 8 + pr.spi().length + transforms.size());
          out.write(pr.number());
          out.write(pr.protocolId());
          out.write(pr.spi().length);
          out.write(pr.transforms().size());
          out.writeBytes(pr.spi());
          out.writeBytes(transforms.toByteArray());
        }
      }
      case IsakmpPayload.KeyExchange ke -> out.writeBytes(ke.data());
      case Identification id -> {
        out.write(id.idType());
        out.write(id.protocolId());
        writeUint16(out, id.port());
        out.writeBytes(id.data());
      }
      case Hash h -> out.writeBytes(h.data());
      case Signature s -> out.writeBytes(s.data());
      case Nonce n -> out.writeBytes(n.data());
      case Notification n -> {
        writeUint32(out, n.doi());
        out.write(n.protocolId());
        out.write(n.spi().length);
        writeUint16(out, n.notifyType());
        out.writeBytes(n.spi());
        out.writeBytes(n.data());
      }
      case Delete d -> {
        writeUint32(out, d.doi());
        out.write(d.protocolId());
        out.write(d.spiSize());
        writeUint16(out, d.spis().size());
        for (byte[] spi : d.spis()) {
          out.writeBytes(spi);
        }
      }
      case VendorId v -> out.writeBytes(v.data());
      case NatDiscovery n -> out.writeBytes(n.hash());
      case ConfigAttributes c -> {
        out.write(c.cfgType());
        out.write(0);
        writeUint16(out, c.identifier());
        writeAttributes(out, c.attributes());
      }
      case NatOriginalAddress oa -> {
        out.write(oa.idType());
        out.write(0);
        writeUint16(out, 0);
        out.writeBytes(oa.address());
      }
      case Unknown u -> out.writeBytes(u.body());
    }
    return out.toByteArray();
  }

  private static void writeAttributes(ByteArrayOutputStream out, List<Attribute> attributes) {
    for (Attribute a : attributes) {
      if (a.basic()) {
        writeUint16(out, 0x8000 | a.attributeType());
        writeUint16(out, a.value());
      } else {
        writeUint16(out, a.attributeType() & 0x7fff);
        writeUint16(out, a.data().length);
        out.writeBytes(a.data());
      }
    }
  }

  private static void writeGeneric(ByteArrayOutputStream out, int next, int length) {
    if (length > 0xffff) {
      throw new IllegalArgumentException("payload of " + length + " bytes");
    }
    out.write(next);
    out.write(0);
    writeUint16(out, length);
  }

  private static void writeUint16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }

  private static void writeUint32(ByteArrayOutputStream out, long v) {
    out.write((int) (v >>> 24));
    out.write((int) (v >>> 16));
    out.write((int) (v >>> 8));
    out.write((int) v);
  }

  // ---------------------------------------------------------------------------------------- bytes

  public static int getUint16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  public static long getUint32(byte[] b, int off) {
    return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8) | (b[off + 3] & 0xffL);
  }

  public static long getLong(byte[] b, int off) {
    return (getUint32(b, off) << 32) | getUint32(b, off + 4);
  }

  public static void putUint32(byte[] b, int off, long v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  public static void putLong(byte[] b, int off, long v) {
    putUint32(b, off, v >>> 32);
    putUint32(b, off + 4, v);
  }

  /** 4-byte big-endian encoding, e.g. a message ID or an SPI inside a hash. */
  public static byte[] uint32(long v) {
    byte[] b = new byte[4];
    putUint32(b, 0, v);
    return b;
  }

  /** 8-byte big-endian encoding of a cookie. */
  public static byte[] cookie(long v) {
    byte[] b = new byte[8];
    putLong(b, 0, v);
    return b;
  }
}
