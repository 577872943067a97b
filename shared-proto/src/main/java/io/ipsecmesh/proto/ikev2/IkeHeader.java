package io.ipsecmesh.proto.ikev2;

/**
 * The fixed 28-byte IKE header (RFC 7296 §3.1). {@code length} is the total message length as
 * declared on the wire; the encoder recomputes it.
 */
public record IkeHeader(long initiatorSpi, long responderSpi, int nextPayload, int majorVersion, int minorVersion,
    int exchangeType, int flags, long messageId, long length) {

  public static final int SIZE = 28;

  public boolean isResponse() {
    return (flags & IkeConstants.FLAG_RESPONSE) != 0;
  }

  /** Set by the original initiator of the IKE SA in every message it sends (§3.1). */
  public boolean isFromInitiator() {
    return (flags & IkeConstants.FLAG_INITIATOR) != 0;
  }

  public static IkeHeader of(long spiI, long spiR, int exchangeType, int flags, long messageId) {
    return new IkeHeader(spiI, spiR, IkeConstants.NO_NEXT_PAYLOAD, 2, 0, exchangeType, flags, messageId, 0);
  }

  public IkeHeader withResponderSpi(long spiR) {
    return new IkeHeader(initiatorSpi, spiR, nextPayload, majorVersion, minorVersion, exchangeType, flags, messageId,
        length);
  }
}
