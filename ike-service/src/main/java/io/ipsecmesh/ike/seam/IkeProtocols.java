package io.ipsecmesh.ike.seam;

import io.ipsecmesh.proto.bus.MgmtMessages;
import java.util.List;
import java.util.Optional;

/**
 * The IKE protocols of one ike-service and who gets what: a datagram goes to the protocol owning the SA its
 * SPIs name; only a datagram of no SA (a brand-new one: IKE_SA_INIT, Main or Aggressive Mode's first message)
 * goes by the major version of its header (RFC 2408 §3.1 and RFC 7296 §3.1 put it at the same octet), and
 * one of no known version to the newest protocol, which drops and counts it as malformed (RFC 7296 §1.5). A
 * command goes to the owner of the IKE SA, Child SA or crypto map entry it names. The order of the list is
 * the order protocols are asked where a command names only a peer ({@code fwd.invalid-spi}, a failover of an
 * SA nobody holds).
 */
public final class IkeProtocols {

  /** SPIi, SPIr, next payload, version, exchange type, flags, message ID, length: the same in both versions. */
  static final int HEADER = 28;
  private static final int VERSION_OCTET = 17;

  private final List<IkeProtocol> protocols;
  private final IkeProtocol newest;

  public IkeProtocols(List<IkeProtocol> protocols) {
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("no IKE protocol");
    }
    this.protocols = List.copyOf(protocols);
    IkeProtocol n = protocols.getFirst();
    for (IkeProtocol p : protocols) {
      n = p.majorVersion() > n.majorVersion() ? p : n;
    }
    this.newest = n;
  }

  public List<IkeProtocol> all() {
    return protocols;
  }

  /** The protocol a datagram (non-ESP marker removed) is for: the SA's owner, else by header version. */
  public IkeProtocol forDatagram(byte[] message) {
    if (message.length >= HEADER) {
      long spiI = uint64(message, 0);
      long spiR = uint64(message, 8);
      for (IkeProtocol p : protocols) {
        if (p.ownsIkeSa(spiI, spiR)) {
          return p;
        }
      }
      int major = (message[VERSION_OCTET] & 0xf0) >>> 4;
      for (IkeProtocol p : protocols) {
        if (p.majorVersion() == major) {
          return p;
        }
      }
    }
    return newest;
  }

  public Optional<IkeProtocol> owningIkeSa(String ikeSaId) {
    return protocols.stream().filter(p -> p.ownsIkeSa(ikeSaId)).findFirst();
  }

  public Optional<IkeProtocol> owningChildSa(long inboundSpi) {
    return protocols.stream().filter(p -> p.ownsChildSa(inboundSpi)).findFirst();
  }

  public Optional<IkeProtocol> owningMapEntry(String cryptoMap, int mapSequence) {
    return protocols.stream().filter(p -> p.ownsMapEntry(cryptoMap, mapSequence)).findFirst();
  }

  /** The protocols tracing under this {@code debug crypto} facility (none for {@code debug crypto ipsec}). */
  public List<IkeProtocol> tracing(MgmtMessages.Facility facility) {
    return protocols.stream().filter(p -> p.trace().facility() == facility).toList();
  }

  private static long uint64(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }
}
