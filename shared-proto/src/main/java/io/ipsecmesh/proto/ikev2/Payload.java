package io.ipsecmesh.proto.ikev2;

import java.util.List;

/**
 * The IKEv2 payloads (RFC 7296 §3.2–§3.14) as immutable values. Byte arrays are owned by the payload
 * once built; the codec never shares them with its input buffer.
 */
public sealed interface Payload {

  /** The payload type number of §3.2. */
  int type();

  /** §3.3 Security Association: proposals in preference order. */
  record SecurityAssociation(List<Proposal> proposals) implements Payload {
    public int type() {
      return IkeConstants.PT_SA;
    }
  }

  /** §3.3.1; {@code spi} is empty for IKE_SA_INIT, 4 bytes for ESP, 8 for an IKE SA rekey. */
  record Proposal(int number, int protocolId, byte[] spi, List<Transform> transforms) {}

  /** §3.3.2; attributes only of the §3.3.5 kind (Key Length is the one in use). */
  record Transform(int transformType, int transformId, List<Attribute> attributes) {
    public static Transform of(int type, int id) {
      return new Transform(type, id, List.of());
    }

    public static Transform withKeyLength(int type, int id, int keyBits) {
      return new Transform(type, id, List.of(Attribute.tv(IkeConstants.ATTR_KEY_LENGTH, keyBits)));
    }

    /** The Key Length attribute in bits, or -1 when absent. */
    public int keyLength() {
      for (Attribute a : attributes) {
        if (a.attributeType() == IkeConstants.ATTR_KEY_LENGTH && a.tv()) {
          return a.shortValue();
        }
      }
      return -1;
    }
  }

  /** §3.3.5: TV form (16-bit value) when {@code tv}, else TLV with {@code value}. */
  record Attribute(int attributeType, boolean tv, int shortValue, byte[] value) {
    public static Attribute tv(int type, int value) {
      return new Attribute(type, true, value, new byte[0]);
    }
  }

  /** §3.4 */
  record KeyExchange(int dhGroup, byte[] data) implements Payload {
    public int type() {
      return IkeConstants.PT_KE;
    }
  }

  /** §3.5: IDi when {@code initiator}, else IDr. */
  record Identification(boolean initiator, int idType, byte[] data) implements Payload {
    public int type() {
      return initiator ? IkeConstants.PT_IDI : IkeConstants.PT_IDR;
    }
  }

  /** §3.6 */
  record Certificate(int encoding, byte[] data) implements Payload {
    public int type() {
      return IkeConstants.PT_CERT;
    }
  }

  /** §3.7 */
  record CertificateRequest(int encoding, byte[] data) implements Payload {
    public int type() {
      return IkeConstants.PT_CERTREQ;
    }
  }

  /** §3.8 */
  record Authentication(int method, byte[] data) implements Payload {
    public int type() {
      return IkeConstants.PT_AUTH;
    }
  }

  /** §3.9 Ni / Nr */
  record Nonce(byte[] data) implements Payload {
    public int type() {
      return IkeConstants.PT_NONCE;
    }
  }

  /** §3.10 */
  record Notify(int protocolId, byte[] spi, int notifyType, byte[] data) implements Payload {
    public int type() {
      return IkeConstants.PT_NOTIFY;
    }

    public static Notify of(int notifyType, byte[] data) {
      return new Notify(0, new byte[0], notifyType, data);
    }

    public boolean isError() {
      return notifyType < 16384;
    }
  }

  /** §3.11: the SPIs are {@code spiSize} bytes each (0 for the IKE SA itself). */
  record Delete(int protocolId, int spiSize, List<byte[]> spis) implements Payload {
    public int type() {
      return IkeConstants.PT_DELETE;
    }
  }

  /** §3.12 */
  record VendorId(byte[] data) implements Payload {
    public int type() {
      return IkeConstants.PT_VENDOR;
    }
  }

  /** §3.13: TSi when {@code initiator}, else TSr. */
  record TrafficSelectors(boolean initiator, List<Selector> selectors) implements Payload {
    public int type() {
      return initiator ? IkeConstants.PT_TSI : IkeConstants.PT_TSR;
    }
  }

  /** §3.13.1: addresses are 4 (TS_IPV4_ADDR_RANGE) or 16 (TS_IPV6_ADDR_RANGE) bytes. */
  record Selector(int tsType, int ipProtocol, int startPort, int endPort, byte[] startAddress, byte[] endAddress) {}

  /**
   * §3.14 SK: {@code body} is IV | ciphertext | ICV exactly as on the wire; the cipher (ike-service)
   * opens it, and {@link IkeCodec#decodeChain} reads the inner payloads starting at {@code firstInner}.
   */
  record Encrypted(int firstInner, byte[] body) implements Payload {
    public int type() {
      return IkeConstants.PT_SK;
    }
  }

  /**
   * RFC 7383 §2.5 SKF: one fragment of an SK payload's content. {@code firstInner} is the first inner payload's
   * type in fragment 1 and zero in the others; {@code fragmentNumber} runs from 1 to {@code totalFragments};
   * {@code body} is IV | ciphertext | ICV as in SK (RFC 7296 §3.14), and the ICV also covers the two numbers.
   * The decoder guarantees 1 ≤ fragmentNumber ≤ totalFragments (§2.6: anything else is discarded).
   */
  record EncryptedFragment(int firstInner, int fragmentNumber, int totalFragments, byte[] body) implements Payload {
    public int type() {
      return IkeConstants.PT_SKF;
    }
  }

  /** Any payload type this gateway does not understand, kept so the critical bit can be honoured (§2.5). */
  record Unknown(int payloadType, boolean critical, byte[] body) implements Payload {
    public int type() {
      return payloadType;
    }
  }
}
