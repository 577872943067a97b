package io.ipsecmesh.ike.policy;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The peer policies currently in force; replaced as a whole when the configuration changes.
 *
 * <p>A {@code set peer HOST dynamic} policy holds no address ({@link PeerPolicy#UNRESOLVED}): every lookup that
 * may lead to a connection resolves its name again through the {@link HostResolver} and returns the policy bound to
 * the address found (Cisco guide, "Creating Static Crypto Maps": "the host name is resolved via DNS just before the
 * router establishes the IPsec tunnel"), so a peer whose address changed is reached, and a datagram from it is
 * recognised, without a configuration change.
 *
 * <p>A dynamic crypto map's template ({@link PeerPolicy#anyPeer()}) is found for any address, after every policy that
 * names the peer, bound to that address; the peer then still has to authenticate through the template's profile
 * and keyring. It is never the policy of an ACQUIRE: IOS never initiates from a dynamic crypto map.
 */
public final class PolicyStore {

  private final HostResolver resolver;
  private volatile List<PeerPolicy> policies = List.of();

  /** Host names through {@link HostResolver#fromEnvironment()}. */
  public PolicyStore() {
    this(HostResolver.fromEnvironment());
  }

  public PolicyStore(HostResolver resolver) {
    this.resolver = resolver;
  }

  public void replace(List<PeerPolicy> next) {
    policies = List.copyOf(next);
  }

  public List<PeerPolicy> all() {
    return policies;
  }

  /**
   * The {@code set peer} after {@code dead}'s in its crypto map entry, as configured (a host name stays a name, so
   * a {@code dynamic} one is resolved again by the attempt), the first after the last; empty when the entry has no
   * other peer. dpd-service cannot name it for host-name peers: it knows the dead peer by address only.
   */
  public Optional<String> nextSetPeer(PeerPolicy dead) {
    return SetPeers.next(policies, dead);
  }

  /**
   * The policy a peer at {@code address} is bound to (first crypto map entry listing it); {@code address} may also
   * be a {@code set peer} host name (DPD's failover names the next peer as configured).
   */
  public Optional<PeerPolicy> forPeer(String address) {
    return first(address, p -> true);
  }

  /**
   * The first policy for a peer at {@code address} whose profile accepts identity {@code idType}/{@code data} and
   * offers {@code suite} (the IKE SA's, already agreed in IKE_SA_INIT): IOS's profile selection by identity.
   */
  public Optional<PeerPolicy> forIdentity(String address, io.ipsecmesh.ike.crypto.IkeSuite suite, int idType,
      byte[] data) {
    return first(address, p -> p.ikeSuites().contains(suite) && p.remote().accepts(idType, data));
  }

  /**
   * The first (preferred) peer of crypto map entry {@code map seq} — what an ACQUIRE negotiates with. A
   * {@code dynamic} host peer is resolved now; one that does not resolve is passed over for the entry's next
   * {@code set peer}, as a peer that does not answer would be.
   */
  public Optional<PeerPolicy> forMapEntry(String map, int seq) {
    List<PeerPolicy> entry = policies.stream()
        .filter(p -> p.cryptoMap().equals(map) && p.mapSequence() == seq && !p.anyPeer()).toList();
    return entry.isEmpty() ? Optional.empty() : SetPeers.forAttempt(entry, entry.getFirst(), resolver,
        PeerPolicy::withPeerAddress, "crypto map " + map + " " + seq + ": set peer");
  }

  /**
   * The policy of crypto map entry {@code map seq} for {@code peer} (an address, or a {@code set peer} host name as
   * {@link CurrentPeers} keeps the peer a failover reached), a {@code dynamic} name resolved now; empty when the entry
   * does not list it or it does not resolve.
   */
  public Optional<PeerPolicy> forMapEntry(String map, int seq, String peer) {
    for (PeerPolicy p : policies) {
      if (p.cryptoMap().equals(map) && p.mapSequence() == seq && !p.anyPeer() && p.names(peer)) {
        return !p.resolveEachAttempt() ? Optional.of(p)
            : SetPeers.addressFor(resolver, p.peerHost(), p.localAddress(), "crypto map " + map + " " + seq
                + ": set peer", "this attempt fails").map(p::withPeerAddress);
      }
    }
    return Optional.empty();
  }

  /** The first policy in order that is {@code peer}'s (by address, by name, or by a name resolved now) and fits. */
  private Optional<PeerPolicy> first(String peer, Predicate<PeerPolicy> fits) {
    Optional<PeerPolicy> named = named(peer, fits);
    if (named.isPresent() || !io.ipsecmesh.proto.config.Ipv4.isAddress(peer)
        && !io.ipsecmesh.proto.config.Ipv6.isAddress(peer)) {
      return named;
    }
    return policies.stream().filter(p -> p.anyPeer() && fits.test(p)).findFirst().map(p -> p.withPeerAddress(peer));
  }

  private Optional<PeerPolicy> named(String peer, Predicate<PeerPolicy> fits) {
    for (PeerPolicy p : policies) {
      if (p.anyPeer() || !fits.test(p)) {
        continue;
      }
      if (!p.resolveEachAttempt()) {
        if (p.names(peer)) {
          return Optional.of(p);
        }
        continue;
      }
      if (p.peerHost().equalsIgnoreCase(peer)) {
        Optional<String> now = SetPeers.addressFor(resolver, p.peerHost(), p.localAddress(), "crypto map "
            + p.cryptoMap() + " " + p.mapSequence() + ": set peer", "this attempt fails");
        if (now.isPresent()) {
          return now.map(p::withPeerAddress);
        }
      } else if (SetPeers.addresses(resolver, p.peerHost(), p.localAddress()).contains(peer)) {
        return Optional.of(p.withPeerAddress(peer));
      }
    }
    return Optional.empty();
  }
}
