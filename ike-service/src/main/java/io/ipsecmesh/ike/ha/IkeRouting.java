package io.ipsecmesh.ike.ha;

import io.ipsecmesh.proto.cluster.RendezvousHash;
import java.util.Set;

/**
 * Which ike-service instance handles an IKE SA: the rendezvous hash of its initiator SPI (IKEv2, RFC 7296
 * §3.1) or initiator cookie (IKEv1, RFC 2408 §3.1) over the live instances — both are the first eight octets of
 * every message of the SA, so a datagram is routed before it is parsed, and they never change for the SA's
 * life (a rekeyed IKE SA is a new SA with new SPIs). Pure: the caller keeps the member set current.
 */
public final class IkeRouting {

  private final String self;
  private Set<String> members = Set.of();

  public IkeRouting(String self) {
    this.self = self;
  }

  public String self() {
    return self;
  }

  /** The live members (this instance among them once it joined). */
  public void members(Set<String> live) {
    members = Set.copyOf(live);
  }

  public Set<String> members() {
    return members;
  }

  /** The routing key of an IKE SA: its initiator SPI (cookie) as 16 hex digits. */
  public static String key(long initiatorSpi) {
    return String.format("%016x", initiatorSpi);
  }

  /** The key of a datagram (IKEv2 or ISAKMP header), or null when it is too short to name one. */
  public static String keyOfDatagram(byte[] message) {
    if (message == null || message.length < 28) {
      return null; // not an IKE header (RFC 7296 §3.1: 28 octets): the local engine counts and drops it
    }
    long spi = 0;
    for (int i = 0; i < 8; i++) {
      spi = spi << 8 | message[i] & 0xff;
    }
    return key(spi);
  }

  /** The key of an IKE SA id (hex SPIi:SPIr, both versions), or null when it is not one. */
  public static String keyOfSaId(String ikeSaId) {
    if (ikeSaId == null || ikeSaId.length() != 33 || ikeSaId.charAt(16) != ':') {
      return null;
    }
    for (int i = 0; i < 16; i++) {
      if (Character.digit(ikeSaId.charAt(i), 16) < 0) {
        return null;
      }
    }
    return ikeSaId.substring(0, 16).toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The instance that handles {@code key}: null when this one does (no key, no live member, or the hash names
   * this instance). Before this instance joined, its keys are the others' (it claims nothing yet).
   */
  public String remoteOwner(String key) {
    if (key == null || members.isEmpty()) {
      return null;
    }
    String owner = RendezvousHash.owner(key, members);
    return owner == null || owner.equals(self) ? null : owner;
  }

  public boolean ownsSpi(long initiatorSpi) {
    return remoteOwner(key(initiatorSpi)) == null;
  }
}
