package io.ipsecmesh.proto.ikev1;

/**
 * The 28-byte ISAKMP header (RFC 2408 §3.1). Cookies are the 8-byte initiator/responder cookies as
 * big-endian longs; {@code messageId} and {@code length} are unsigned 32-bit values.
 */
public record IsakmpHeader(long initiatorCookie, long responderCookie, int nextPayload, int majorVersion,
    int minorVersion, int exchangeType, int flags, long messageId, long length) {

  public static final int SIZE = 28;

  public boolean encrypted() {
    return (flags & IsakmpConstants.FLAG_ENCRYPTION) != 0;
  }

  /** Same header with a different next payload, flags and length, e.g. after encryption. */
  public IsakmpHeader with(int nextPayload, int flags, long length) {
    return new IsakmpHeader(initiatorCookie, responderCookie, nextPayload, majorVersion, minorVersion, exchangeType,
        flags, messageId, length);
  }
}
