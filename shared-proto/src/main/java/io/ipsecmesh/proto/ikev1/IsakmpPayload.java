package io.ipsecmesh.proto.ikev1;

import java.util.List;

/** The ISAKMP payloads (RFC 2408 §3.4–3.16, RFC 3947 §3) as immutable records; byte arrays are owned copies. */
public sealed interface IsakmpPayload {

  /** The next-payload value that announces this payload. */
  int type();

  /**
   * A data attribute (RFC 2408 §3.3): basic (AF=1, 16-bit value in the header) or variable length.
   * For a basic attribute {@code value} holds the 16-bit value and {@code data} is empty.
   */
  record Attribute(int attributeType, boolean basic, int value, byte[] data) {

    public static Attribute basic(int type, int value) {
      return new Attribute(type, true, value & 0xffff, new byte[0]);
    }

    /** Life durations above 16 bits must use the variable form (RFC 2408 §3.3). */
    public static Attribute ofLong(int type, long value) {
      if (value >= 0 && value <= 0xffff) {
        return basic(type, (int) value);
      }
      return new Attribute(type, false, 0,
          new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** The attribute value as an unsigned number (variable values of up to 8 bytes), -1 if longer. */
    public long longValue() {
      if (basic) {
        return value;
      }
      if (data.length > 8) {
        return -1;
      }
      long v = 0;
      for (byte b : data) {
        v = (v << 8) | (b & 0xff);
      }
      return v;
    }
  }

  /** RFC 2408 §3.6; {@code transformId} per the proposal's protocol (KEY_IKE, ESP_AES …). */
  record Transform(int number, int transformId, List<Attribute> attributes) {

    /** First attribute of this class, or null. */
    public Attribute attribute(int attributeType) {
      for (Attribute a : attributes) {
        if (a.attributeType() == attributeType) {
          return a;
        }
      }
      return null;
    }
  }

  /** RFC 2408 §3.5. */
  record Proposal(int number, int protocolId, byte[] spi, List<Transform> transforms) {}

  /** RFC 2408 §3.4 with the IPsec DOI situation (RFC 2407 §4.6.1). */
  record SecurityAssociation(long doi, long situation, List<Proposal> proposals) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_SA;
    }
  }

  /** RFC 2408 §3.7. */
  record KeyExchange(byte[] data) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_KE;
    }
  }

  /** RFC 2408 §3.8 with the IPsec DOI fields (RFC 2407 §4.6.2): protocol and port. */
  record Identification(int idType, int protocolId, int port, byte[] data) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_ID;
    }
  }

  /** RFC 2408 §3.11. */
  record Hash(byte[] data) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_HASH;
    }
  }

  /** RFC 2408 §3.12. */
  record Signature(byte[] data) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_SIG;
    }
  }

  /** RFC 2408 §3.13. */
  record Nonce(byte[] data) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_NONCE;
    }
  }

  /**
   * RFC 2408 §3.14. For RFC 3706 R-U-THERE / R-U-THERE-ACK the SPI is CKY-I|CKY-R (16 bytes) and the data
   * the 4-byte sequence number.
   */
  record Notification(long doi, int protocolId, int notifyType, byte[] spi, byte[] data) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_N;
    }

    /** The RFC 3706 sequence number, or -1 when the data is not exactly 4 bytes. */
    public long dpdSequence() {
      if (data.length != 4) {
        return -1;
      }
      return ((data[0] & 0xffL) << 24) | ((data[1] & 0xffL) << 16) | ((data[2] & 0xffL) << 8) | (data[3] & 0xffL);
    }
  }

  /** RFC 2408 §3.15; every SPI has {@code spiSize} bytes. */
  record Delete(long doi, int protocolId, int spiSize, List<byte[]> spis) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_D;
    }
  }

  /** RFC 2408 §3.16. */
  record VendorId(byte[] data) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_VID;
    }
  }

  /** RFC 3947 §3.2: HASH(CKY-I | CKY-R | IP | Port). */
  record NatDiscovery(byte[] hash) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_NAT_D;
    }
  }

  /** RFC 3947 §5.2: original address, ID type IPV4_ADDR or IPV6_ADDR. */
  record NatOriginalAddress(int idType, byte[] address) implements IsakmpPayload {
    public int type() {
      return IsakmpConstants.PAYLOAD_NAT_OA;
    }
  }

  /**
   * The ISAKMP Configuration payload, "Attribute Payload" (draft-dukes-ike-mode-cfg §3.2, payload type 14), of
   * the Transaction exchange: XAUTH (draft-ietf-ipsec-isakmp-xauth) and Mode Config. {@code cfgType} is
   * ISAKMP_CFG_REQUEST, REPLY, SET or ACK; {@code identifier} pairs a REQUEST with its REPLY and a SET with its ACK;
   * the attributes use the data-attribute format of RFC 2408 §3.3 (a REQUEST sends them empty).
   */
  record ConfigAttributes(int cfgType, int identifier, List<Attribute> attributes) implements IsakmpPayload {
    public ConfigAttributes {
      attributes = List.copyOf(attributes);
    }

    public int type() {
      return IsakmpConstants.PAYLOAD_ATTR;
    }

    /** First attribute of this type, or null. */
    public Attribute attribute(int attributeType) {
      for (Attribute a : attributes) {
        if (a.attributeType() == attributeType) {
          return a;
        }
      }
      return null;
    }
  }

  /** Any other payload (CERT, CR, private use …), kept as its body so a chain can still be walked. */
  record Unknown(int type, byte[] body) implements IsakmpPayload {}
}
