package io.ipsecmesh.proto.ikev2;

import io.ipsecmesh.proto.ike.IkeDecodeException.Kind;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.Payload.Attribute;
import io.ipsecmesh.proto.ikev2.Payload.Proposal;
import io.ipsecmesh.proto.ikev2.Payload.Selector;
import io.ipsecmesh.proto.ikev2.Payload.Transform;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * IKEv2 wire codec (RFC 7296 §3). Stateless. Decoding is strictly bounds-checked against the
 * enclosing length at every level, never allocates more than the input size (every array is a copy
 * of input bytes whose length was checked first) and caps element counts so that a hostile message
 * cannot make the gateway build large object graphs; all failures are {@link IkeDecodeException}.
 */
public final class IkeCodec {

  /** Largest IKE message over UDP (65535 − IP − UDP headers). */
  public static final int MAX_MESSAGE = 65535 - 8 - 20;
  public static final int MAX_PAYLOADS = 64;
  public static final int MAX_PROPOSALS = 32;
  public static final int MAX_TRANSFORMS = 64;
  public static final int MAX_ATTRIBUTES = 8;
  public static final int MAX_SELECTORS = 32;
  public static final int MAX_DELETE_SPIS = 512;
  /** RFC 7383 §2.5: Fragment Number and Total Fragments, the 4 bytes between the SKF header and its IV. */
  public static final int SKF_NUMBERS = 4;

  private IkeCodec() {}

  // ---------------------------------------------------------------------------------------- decode

  /** Only the header, for dispatch by SPI before any further work (cheap under load). */
  public static IkeHeader decodeHeader(byte[] msg) throws IkeDecodeException {
    if (msg == null || msg.length < IkeHeader.SIZE) {
      throw new IkeDecodeException(Kind.TRUNCATED, "shorter than the IKE header");
    }
    int version = msg[17] & 0xff;
    IkeHeader h = new IkeHeader(getLong(msg, 0), getLong(msg, 8), msg[16] & 0xff, version >>> 4, version & 0x0f,
        msg[18] & 0xff, msg[19] & 0xff, getUint32(msg, 20), getUint32(msg, 24));
    if (h.majorVersion() != 2) {
      throw new IkeDecodeException(Kind.BAD_VERSION, "major version " + h.majorVersion());
    }
    if (h.length() > msg.length) {
      throw new IkeDecodeException(Kind.TRUNCATED, "header length " + h.length() + " > datagram " + msg.length);
    }
    if (h.length() != msg.length) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "header length " + h.length() + " != datagram " + msg.length);
    }
    if (msg.length > MAX_MESSAGE) {
      throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "message of " + msg.length + " bytes");
    }
    return h;
  }

  public static IkeMessage decode(byte[] msg) throws IkeDecodeException {
    IkeHeader h = decodeHeader(msg);
    return new IkeMessage(h, decodeChain(h.nextPayload(), msg, IkeHeader.SIZE, msg.length - IkeHeader.SIZE));
  }

  /**
   * Decodes a payload chain starting with type {@code first} in {@code buf[off, off+len)}; used for the
   * message body and for the plaintext of an SK payload. The SK payload ends a chain (§3.14).
   */
  public static List<Payload> decodeChain(int first, byte[] buf, int off, int len) throws IkeDecodeException {
    checkRange(buf, off, len);
    List<Payload> out = new ArrayList<>();
    int next = first;
    int pos = off;
    int end = off + len;
    while (next != IkeConstants.NO_NEXT_PAYLOAD) {
      if (out.size() >= MAX_PAYLOADS) {
        throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "more than " + MAX_PAYLOADS + " payloads");
      }
      if (end - pos < 4) {
        throw new IkeDecodeException(Kind.TRUNCATED, "payload header of type " + next);
      }
      int following = buf[pos] & 0xff;
      boolean critical = (buf[pos + 1] & 0x80) != 0;
      int plen = getUint16(buf, pos + 2);
      if (plen < 4) {
        throw new IkeDecodeException(Kind.BAD_LENGTH, "payload length " + plen);
      }
      if (plen > end - pos) {
        throw new IkeDecodeException(Kind.TRUNCATED, "payload type " + next + " length " + plen);
      }
      int body = pos + 4;
      int blen = plen - 4;
      if (next == IkeConstants.PT_SK) {
        out.add(new Payload.Encrypted(following, Arrays.copyOfRange(buf, body, body + blen)));
        pos += plen;
        next = IkeConstants.NO_NEXT_PAYLOAD;
        break;
      }
      if (next == IkeConstants.PT_SKF) {
        // RFC 7383 §2.5: like SK, the last payload of its message
        out.add(decodeFragment(following, buf, body, blen));
        pos += plen;
        next = IkeConstants.NO_NEXT_PAYLOAD;
        break;
      }
      out.add(decodePayload(next, critical, buf, body, blen));
      pos += plen;
      next = following;
    }
    if (pos != end) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, (end - pos) + " bytes after the last payload");
    }
    return List.copyOf(out);
  }

  private static Payload decodePayload(int type, boolean critical, byte[] b, int off, int len)
      throws IkeDecodeException {
    switch (type) {
      case IkeConstants.PT_SA:
        return new Payload.SecurityAssociation(decodeProposals(b, off, len));
      case IkeConstants.PT_KE: {
        need(len, 4, "KE");
        return new Payload.KeyExchange(getUint16(b, off), copy(b, off + 4, len - 4));
      }
      case IkeConstants.PT_IDI:
      case IkeConstants.PT_IDR: {
        need(len, 4, "ID");
        return new Payload.Identification(type == IkeConstants.PT_IDI, b[off] & 0xff, copy(b, off + 4, len - 4));
      }
      case IkeConstants.PT_CERT: {
        need(len, 1, "CERT");
        return new Payload.Certificate(b[off] & 0xff, copy(b, off + 1, len - 1));
      }
      case IkeConstants.PT_CERTREQ: {
        need(len, 1, "CERTREQ");
        return new Payload.CertificateRequest(b[off] & 0xff, copy(b, off + 1, len - 1));
      }
      case IkeConstants.PT_AUTH: {
        need(len, 4, "AUTH");
        return new Payload.Authentication(b[off] & 0xff, copy(b, off + 4, len - 4));
      }
      case IkeConstants.PT_NONCE: {
        // §3.9: 16..256 octets; shorter ones would weaken the keys, longer ones only cost us memory.
        if (len < 16 || len > 256) {
          throw new IkeDecodeException(Kind.BAD_VALUE, "nonce of " + len + " bytes");
        }
        return new Payload.Nonce(copy(b, off, len));
      }
      case IkeConstants.PT_NOTIFY: {
        need(len, 4, "N");
        int spiSize = b[off + 1] & 0xff;
        need(len, 4 + spiSize, "N SPI");
        return new Payload.Notify(b[off] & 0xff, copy(b, off + 4, spiSize), getUint16(b, off + 2),
            copy(b, off + 4 + spiSize, len - 4 - spiSize));
      }
      case IkeConstants.PT_DELETE:
        return decodeDelete(b, off, len);
      case IkeConstants.PT_VENDOR:
        return new Payload.VendorId(copy(b, off, len));
      case IkeConstants.PT_TSI:
      case IkeConstants.PT_TSR:
        return new Payload.TrafficSelectors(type == IkeConstants.PT_TSI, decodeSelectors(b, off, len));
      default:
        return new Payload.Unknown(type, critical, copy(b, off, len));
    }
  }

  /**
   * RFC 7383 §2.5 and §2.6: Fragment Number and Total Fragments are both non-zero and the number is at most the
   * total; a fragment failing that is discarded before any cryptography.
   */
  private static Payload.EncryptedFragment decodeFragment(int firstInner, byte[] b, int off, int len)
      throws IkeDecodeException {
    need(len, SKF_NUMBERS, "SKF");
    int number = getUint16(b, off);
    int total = getUint16(b, off + 2);
    if (number == 0 || total == 0 || number > total) {
      throw new IkeDecodeException(Kind.BAD_VALUE, "SKF fragment " + number + " of " + total);
    }
    return new Payload.EncryptedFragment(firstInner, number, total, copy(b, off + SKF_NUMBERS, len - SKF_NUMBERS));
  }

  private static List<Proposal> decodeProposals(byte[] b, int off, int len) throws IkeDecodeException {
    List<Proposal> out = new ArrayList<>();
    int pos = off;
    int end = off + len;
    boolean more = true;
    while (more) {
      if (out.size() >= MAX_PROPOSALS) {
        throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "more than " + MAX_PROPOSALS + " proposals");
      }
      if (end - pos < 8) {
        throw new IkeDecodeException(Kind.TRUNCATED, "proposal header");
      }
      int lastOrMore = b[pos] & 0xff;
      if (lastOrMore != 0 && lastOrMore != 2) {
        throw new IkeDecodeException(Kind.BAD_VALUE, "proposal last/more " + lastOrMore);
      }
      more = lastOrMore == 2;
      int plen = getUint16(b, pos + 2);
      if (plen < 8 || plen > end - pos) {
        throw new IkeDecodeException(Kind.BAD_LENGTH, "proposal length " + plen);
      }
      int number = b[pos + 4] & 0xff;
      int protocol = b[pos + 5] & 0xff;
      int spiSize = b[pos + 6] & 0xff;
      int count = b[pos + 7] & 0xff;
      if (count > MAX_TRANSFORMS) {
        throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, count + " transforms");
      }
      if (8 + spiSize > plen) {
        throw new IkeDecodeException(Kind.BAD_LENGTH, "proposal SPI size " + spiSize);
      }
      byte[] spi = copy(b, pos + 8, spiSize);
      List<Transform> transforms = decodeTransforms(b, pos + 8 + spiSize, plen - 8 - spiSize, count);
      out.add(new Proposal(number, protocol, spi, transforms));
      pos += plen;
    }
    if (pos != end) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "bytes after the last proposal");
    }
    return List.copyOf(out);
  }

  private static List<Transform> decodeTransforms(byte[] b, int off, int len, int count) throws IkeDecodeException {
    List<Transform> out = new ArrayList<>(count);
    int pos = off;
    int end = off + len;
    for (int i = 0; i < count; i++) {
      if (end - pos < 8) {
        throw new IkeDecodeException(Kind.TRUNCATED, "transform header");
      }
      int lastOrMore = b[pos] & 0xff;
      boolean last = i == count - 1;
      if (lastOrMore != (last ? 0 : 3)) {
        throw new IkeDecodeException(Kind.BAD_VALUE, "transform last/more " + lastOrMore + " at " + i + "/" + count);
      }
      int tlen = getUint16(b, pos + 2);
      if (tlen < 8 || tlen > end - pos) {
        throw new IkeDecodeException(Kind.BAD_LENGTH, "transform length " + tlen);
      }
      int ttype = b[pos + 4] & 0xff;
      int tid = getUint16(b, pos + 6);
      out.add(new Transform(ttype, tid, decodeAttributes(b, pos + 8, tlen - 8)));
      pos += tlen;
    }
    if (pos != end) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "bytes after the last transform");
    }
    return List.copyOf(out);
  }

  private static List<Attribute> decodeAttributes(byte[] b, int off, int len) throws IkeDecodeException {
    List<Attribute> out = new ArrayList<>();
    int pos = off;
    int end = off + len;
    while (pos < end) {
      if (out.size() >= MAX_ATTRIBUTES) {
        throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "more than " + MAX_ATTRIBUTES + " attributes");
      }
      if (end - pos < 4) {
        throw new IkeDecodeException(Kind.TRUNCATED, "attribute");
      }
      int af = getUint16(b, pos);
      boolean tv = (af & 0x8000) != 0;
      int atype = af & 0x7fff;
      int v = getUint16(b, pos + 2);
      if (tv) {
        out.add(new Attribute(atype, true, v, new byte[0]));
        pos += 4;
      } else {
        if (v > end - pos - 4) {
          throw new IkeDecodeException(Kind.BAD_LENGTH, "attribute length " + v);
        }
        out.add(new Attribute(atype, false, 0, copy(b, pos + 4, v)));
        pos += 4 + v;
      }
    }
    return List.copyOf(out);
  }

  private static Payload.Delete decodeDelete(byte[] b, int off, int len) throws IkeDecodeException {
    need(len, 4, "D");
    int protocol = b[off] & 0xff;
    int spiSize = b[off + 1] & 0xff;
    int n = getUint16(b, off + 2);
    if (n > MAX_DELETE_SPIS) {
      throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, n + " SPIs in DELETE");
    }
    if ((long) n * spiSize != len - 4) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "DELETE with " + n + " SPIs of " + spiSize + " in " + len);
    }
    List<byte[]> spis = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      spis.add(copy(b, off + 4 + i * spiSize, spiSize));
    }
    return new Payload.Delete(protocol, spiSize, List.copyOf(spis));
  }

  private static List<Selector> decodeSelectors(byte[] b, int off, int len) throws IkeDecodeException {
    need(len, 4, "TS");
    int n = b[off] & 0xff;
    if (n > MAX_SELECTORS) {
      throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, n + " traffic selectors");
    }
    List<Selector> out = new ArrayList<>(n);
    int pos = off + 4;
    int end = off + len;
    for (int i = 0; i < n; i++) {
      if (end - pos < 8) {
        throw new IkeDecodeException(Kind.TRUNCATED, "traffic selector");
      }
      int tsType = b[pos] & 0xff;
      int proto = b[pos + 1] & 0xff;
      int slen = getUint16(b, pos + 2);
      int alen;
      if (tsType == IkeConstants.TS_IPV4_ADDR_RANGE) {
        alen = 4;
      } else if (tsType == IkeConstants.TS_IPV6_ADDR_RANGE) {
        alen = 16;
      } else {
        throw new IkeDecodeException(Kind.BAD_VALUE, "TS type " + tsType);
      }
      if (slen != 8 + 2 * alen || slen > end - pos) {
        throw new IkeDecodeException(Kind.BAD_LENGTH, "TS length " + slen);
      }
      out.add(new Selector(tsType, proto, getUint16(b, pos + 4), getUint16(b, pos + 6), copy(b, pos + 8, alen),
          copy(b, pos + 8 + alen, alen)));
      pos += slen;
    }
    if (pos != end) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "bytes after the last traffic selector");
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------------------------------- encode

  /** Encodes header and payloads; the header's next-payload and length fields are computed. */
  public static byte[] encode(IkeMessage m) {
    byte[] chain = encodeChain(m.payloads());
    int first = m.payloads().isEmpty() ? IkeConstants.NO_NEXT_PAYLOAD : m.payloads().get(0).type();
    byte[] out = new byte[IkeHeader.SIZE + chain.length];
    writeHeader(out, m.header(), first, out.length);
    System.arraycopy(chain, 0, out, IkeHeader.SIZE, chain.length);
    return out;
  }

  /** Writes the 28-byte header into {@code out[0..28)}. */
  public static void writeHeader(byte[] out, IkeHeader h, int nextPayload, int totalLength) {
    putLong(out, 0, h.initiatorSpi());
    putLong(out, 8, h.responderSpi());
    out[16] = (byte) nextPayload;
    out[17] = (byte) ((h.majorVersion() << 4) | (h.minorVersion() & 0x0f));
    out[18] = (byte) h.exchangeType();
    out[19] = (byte) h.flags();
    putUint32(out, 20, h.messageId());
    putUint32(out, 24, totalLength);
  }

  /**
   * The payload chain without the IKE header. An {@link Payload.Encrypted} must be last; its generic
   * header's next-payload field carries its {@code firstInner}.
   */
  public static byte[] encodeChain(List<Payload> payloads) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < payloads.size(); i++) {
      Payload p = payloads.get(i);
      int next;
      if (p instanceof Payload.Encrypted e) {
        if (i != payloads.size() - 1) {
          throw new IllegalArgumentException("SK must be the last payload");
        }
        next = e.firstInner();
      } else if (p instanceof Payload.EncryptedFragment f) {
        if (i != payloads.size() - 1) {
          throw new IllegalArgumentException("SKF must be the last payload");
        }
        next = f.firstInner();
      } else {
        next = i + 1 < payloads.size() ? payloads.get(i + 1).type() : IkeConstants.NO_NEXT_PAYLOAD;
      }
      byte[] body = encodeBody(p);
      if (body.length + 4 > 0xffff) {
        throw new IllegalArgumentException("payload too long: " + body.length);
      }
      out.write(next);
      out.write(p instanceof Payload.Unknown u && u.critical() ? 0x80 : 0);
      out.write((body.length + 4) >>> 8);
      out.write(body.length + 4);
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  private static byte[] encodeBody(Payload p) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    switch (p) {
      case Payload.SecurityAssociation sa -> {
        for (int i = 0; i < sa.proposals().size(); i++) {
          o.writeBytes(encodeProposal(sa.proposals().get(i), i == sa.proposals().size() - 1));
        }
      }
      case Payload.KeyExchange ke -> {
        u16(o, ke.dhGroup());
        u16(o, 0);
        o.writeBytes(ke.data());
      }
      case Payload.Identification id -> {
        o.write(id.idType());
        o.write(0);
        u16(o, 0);
        o.writeBytes(id.data());
      }
      case Payload.Certificate c -> {
        o.write(c.encoding());
        o.writeBytes(c.data());
      }
      case Payload.CertificateRequest c -> {
        o.write(c.encoding());
        o.writeBytes(c.data());
      }
      case Payload.Authentication a -> {
        o.write(a.method());
        o.write(0);
        u16(o, 0);
        o.writeBytes(a.data());
      }
      case Payload.Nonce n -> o.writeBytes(n.data());
      case Payload.Notify n -> {
        o.write(n.protocolId());
        o.write(n.spi().length);
        u16(o, n.notifyType());
        o.writeBytes(n.spi());
        o.writeBytes(n.data());
      }
      case Payload.Delete d -> {
        o.write(d.protocolId());
        o.write(d.spiSize());
        u16(o, d.spis().size());
        for (byte[] spi : d.spis()) {
          o.writeBytes(spi);
        }
      }
      case Payload.VendorId v -> o.writeBytes(v.data());
      case Payload.TrafficSelectors ts -> {
        o.write(ts.selectors().size());
        o.write(0);
        u16(o, 0);
        for (Selector s : ts.selectors()) {
          o.write(s.tsType());
          o.write(s.ipProtocol());
          u16(o, 8 + s.startAddress().length + s.endAddress().length);
          u16(o, s.startPort());
          u16(o, s.endPort());
          o.writeBytes(s.startAddress());
          o.writeBytes(s.endAddress());
        }
      }
      case Payload.Encrypted e -> o.writeBytes(e.body());
      case Payload.EncryptedFragment f -> {
        u16(o, f.fragmentNumber());
        u16(o, f.totalFragments());
        o.writeBytes(f.body());
      }
      case Payload.Unknown u -> o.writeBytes(u.body());
    }
    return o.toByteArray();
  }

  private static byte[] encodeProposal(Proposal p, boolean last) {
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    for (int i = 0; i < p.transforms().size(); i++) {
      Transform tr = p.transforms().get(i);
      ByteArrayOutputStream attrs = new ByteArrayOutputStream();
      for (Attribute a : tr.attributes()) {
        if (a.tv()) {
          u16(attrs, 0x8000 | a.attributeType());
          u16(attrs, a.shortValue());
        } else {
          u16(attrs, a.attributeType());
          u16(attrs, a.value().length);
          attrs.writeBytes(a.value());
        }
      }
      t.write(i == p.transforms().size() - 1 ? 0 : 3);
      t.write(0);
      u16(t, 8 + attrs.size());
      t.write(tr.transformType());
      t.write(0);
      u16(t, tr.transformId());
      t.writeBytes(attrs.toByteArray());
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(last ? 0 : 2);
    o.write(0);
    u16(o, 8 + p.spi().length + t.size());
    o.write(p.number());
    o.write(p.protocolId());
    o.write(p.spi().length);
    o.write(p.transforms().size());
    o.writeBytes(p.spi());
    o.writeBytes(t.toByteArray());
    return o.toByteArray();
  }

  // --------------------------------------------------------------------------------------- helpers

  private static void checkRange(byte[] b, int off, int len) throws IkeDecodeException {
    if (b == null || off < 0 || len < 0 || off > b.length || len > b.length - off) {
      throw new IkeDecodeException(Kind.TRUNCATED, "range outside buffer");
    }
  }

  private static void need(int len, int min, String what) throws IkeDecodeException {
    if (len < min) {
      throw new IkeDecodeException(Kind.TRUNCATED, what + " body of " + len + " bytes");
    }
  }

  private static byte[] copy(byte[] b, int off, int len) {
    return Arrays.copyOfRange(b, off, off + len);
  }

  private static void u16(ByteArrayOutputStream o, int v) {
    o.write(v >>> 8);
    o.write(v);
  }

  public static int getUint16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  public static long getUint32(byte[] b, int off) {
    return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  public static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  public static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  public static void putUint32(byte[] b, int off, long v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
