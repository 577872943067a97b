package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.dos.HalfOpenQuota;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every IKE SA of the engine, indexed the ways the engine looks them up, so that no lookup scans all
 * SAs (dpd-service probes each of 100 000 peers every few seconds): by our SPI (dispatch), by id
 * (bus requests), by peer address (ACQUIRE, INITIAL_CONTACT, clear, INVALID_SPI), half-open ones by
 * peer + SPIi (IKE_SA_INIT retransmissions, DoS limits) and by inbound Child SA SPI (forwarder events).
 * Inbound Child SA SPIs are reserved here before use so they are unique in the process.
 */
final class IkeSaTable {

  private final Map<Long, IkeSa> bySpi = new HashMap<>();
  private final Map<String, IkeSa> byId = new HashMap<>();
  private final Map<String, Set<IkeSa>> byPeer = new HashMap<>();
  /**
   * Established SAs by peer address and authenticated identity ({@link #identityKey}), for INITIAL_CONTACT: behind one
   * address (a NAT, a load generator) there may be 100 000 SAs of as many identities, and a scan of the address's set
   * for every IKE SA set up made the set-up of N SAs cost O(N²) (docs/performance.md, "100 000 IKE SAs").
   */
  private final Map<String, Set<IkeSa>> byIdentity = new HashMap<>();
  private final Map<String, IkeSa> halfOpen = new HashMap<>();
  private final Map<Long, IkeSa> byChildSpi = new HashMap<>();
  private final Set<Long> reservedChildSpis = new HashSet<>();
  /** Half-open SAs per peer address, counted where they enter and leave the half-open index. */
  final HalfOpenQuota halfOpenPerPeer;

  IkeSaTable() {
    this(new HalfOpenQuota(HalfOpenQuota.DEFAULT_PER_PEER));
  }

  IkeSaTable(HalfOpenQuota halfOpenPerPeer) {
    this.halfOpenPerPeer = halfOpenPerPeer;
  }

  void add(IkeSa sa) {
    bySpi.put(sa.localSpi(), sa);
    byId.put(sa.id(), sa);
    byPeer.computeIfAbsent(sa.peerAddress, k -> new LinkedHashSet<>()).add(sa);
    if (sa.state == IkeSa.State.ESTABLISHED) {
      identified(sa); // adopted (scale-out takeover) or restored established
    }
  }

  /** The SA is established and its peer authenticated: index it by address and identity. Idempotent. */
  void identified(IkeSa sa) {
    if (sa.peerId == null || sa.peerId.isEmpty()) {
      return;
    }
    String key = identityKey(sa.peerAddress, sa.peerId);
    if (key.equals(sa.identityKey)) {
      return;
    }
    unindexIdentity(sa);
    byIdentity.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(sa);
    sa.identityKey = key;
  }

  /** An address holds no '|', so the key splits one way only whatever the identity's text. */
  private static String identityKey(String peerAddress, String peerId) {
    return peerAddress + "|" + peerId;
  }

  private void unindexIdentity(IkeSa sa) {
    if (sa.identityKey == null) {
      return;
    }
    Set<IkeSa> same = byIdentity.get(sa.identityKey);
    if (same != null) {
      same.remove(sa);
      if (same.isEmpty()) {
        byIdentity.remove(sa.identityKey);
      }
    }
    sa.identityKey = null;
  }

  /** The initiator learned SPIr: the SA's id changed. */
  void reindex(IkeSa sa, String oldId) {
    byId.remove(oldId, sa);
    byId.put(sa.id(), sa);
  }

  void remove(IkeSa sa) {
    bySpi.remove(sa.localSpi(), sa);
    byId.remove(sa.id(), sa);
    Set<IkeSa> peers = byPeer.get(sa.peerAddress);
    if (peers != null) {
      peers.remove(sa);
      if (peers.isEmpty()) {
        byPeer.remove(sa.peerAddress);
      }
    }
    unindexIdentity(sa);
    leftHalfOpen(sa);
  }

  IkeSa bySpi(long localSpi) {
    return bySpi.get(localSpi);
  }

  IkeSa byId(String id) {
    return byId.get(id);
  }

  /**
   * Whether one of the peer's SAs matches, without the snapshot {@link #withPeer} copies: behind one address there may
   * be 100 000, and this runs per DPD death and per ACQUIRE or INVALID_SPI from that address. {@code test} must not
   * add or remove SAs.
   */
  boolean anyWithPeer(String peerAddress, java.util.function.Predicate<IkeSa> test) {
    Set<IkeSa> s = byPeer.get(peerAddress);
    if (s != null) {
      for (IkeSa x : s) {
        if (test.test(x)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A snapshot: callers may delete SAs while iterating. */
  List<IkeSa> withPeer(String peerAddress) {
    Set<IkeSa> s = byPeer.get(peerAddress);
    return s == null ? List.of() : List.copyOf(s);
  }

  /**
   * The established IKE SAs other than {@code sa} with its peer address and identity: what an INITIAL_CONTACT
   * removes (RFC 7296 §2.4). Looked up by address and identity ({@link #byIdentity}), not by scanning the
   * address's SAs: behind one address (a NAT, a load generator) there may be 100 000, and this runs for every IKE SA
   * set up.
   */
  List<IkeSa> othersWithPeerIdentity(IkeSa sa) {
    Set<IkeSa> s = byIdentity.get(identityKey(sa.peerAddress, sa.peerId));
    List<IkeSa> out = List.of();
    if (s != null) {
      for (IkeSa x : s) {
        if (x != sa && x.state == IkeSa.State.ESTABLISHED && x.peerId.equals(sa.peerId)) {
          if (out.isEmpty()) {
            out = new ArrayList<>();
          }
          out.add(x);
        }
      }
    }
    return out;
  }

  /** Whether an IKE SA other than {@code sa} is established with its peer (the RFC 7296 §2.4 INITIAL_CONTACT test). */
  boolean hasOtherWithPeer(IkeSa sa) {
    Set<IkeSa> s = byPeer.get(sa.peerAddress);
    return s != null && s.stream().anyMatch(x -> x != sa && x.state == IkeSa.State.ESTABLISHED);
  }

  List<IkeSa> all() {
    return List.copyOf(bySpi.values());
  }

  int size() {
    return bySpi.size();
  }

  boolean spiInUse(long spi) {
    return bySpi.containsKey(spi);
  }

  void halfOpen(String key, IkeSa sa) {
    sa.halfOpenKey = key;
    if (halfOpen.put(key, sa) == null) {
      halfOpenPerPeer.opened(sa.peerAddress);
    }
  }

  IkeSa halfOpen(String key) {
    return halfOpen.get(key);
  }

  void leftHalfOpen(IkeSa sa) {
    if (sa.halfOpenKey != null) {
      if (halfOpen.remove(sa.halfOpenKey, sa)) {
        halfOpenPerPeer.closed(sa.peerAddress);
      }
      sa.halfOpenKey = null;
    }
  }

  int halfOpenCount() {
    return halfOpen.size();
  }

  /** @return false when the SPI is already taken */
  boolean reserveChildSpi(long spi) {
    return reservedChildSpis.add(spi);
  }

  void releaseChildSpi(long spi) {
    reservedChildSpis.remove(spi);
    byChildSpi.remove(spi);
  }

  void childAdded(long inboundSpi, IkeSa owner) {
    reservedChildSpis.add(inboundSpi);
    byChildSpi.put(inboundSpi, owner);
  }

  IkeSa childOwner(long inboundSpi) {
    return byChildSpi.get(inboundSpi);
  }

  Collection<IkeSa> values() {
    return bySpi.values();
  }
}
