package io.ipsecmesh.ike.policy;

import io.ipsecmesh.proto.config.Ipv6;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The {@code set peer} list of a crypto map entry, for IKEv2 and IKEv1 alike: which peer comes after a dead one
 * (the DPD chapter: with several {@code set peer} lines, when DPD declares the current peer dead the router "switches
 * over to the next listed peer", after the last the first), and which address a host-name peer has for an attempt
 * (Cisco guide, "Creating Static Crypto Maps", step 4: {@code set peer host-name [dynamic]}).
 *
 * <p>The address family is the crypto map's: an {@code ipv6 crypto map} (IPv6 local address) negotiates with the
 * name's IPv6 addresses (AAAA, or an IPv6 line of the hosts file), an IPv4 one with its IPv4 addresses. A name that
 * has none of that family fails that attempt like a name that does not resolve, with a log line that says so.
 */
public final class SetPeers {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");

  private SetPeers() {}

  /**
   * The {@code set peer} after {@code dead}'s in its entry, as configured (a host name stays a name, so a
   * {@code dynamic} one is resolved again by the attempt), the first after the last; empty when the entry lists no
   * other peer. dpd-service cannot name it for host-name peers: it knows the dead peer by address only.
   *
   * @param policies every policy in force (any entries); those of {@code dead}'s entry are taken in order
   */
  public static Optional<String> next(List<? extends SetPeer> policies, SetPeer dead) {
    List<String> peers = policies.stream().filter(p -> p.sameEntry(dead)).map(SetPeer::asConfigured).distinct()
        .toList();
    int i = peers.indexOf(dead.asConfigured());
    if (i < 0) {
      i = peers.stream().filter(dead::names).findFirst().map(peers::indexOf).orElse(-1);
    }
    return i < 0 || peers.size() < 2 ? Optional.empty() : Optional.of(peers.get((i + 1) % peers.size()));
  }

  /**
   * {@code host}'s addresses of the family of {@code localAddress}, in the resolver's order.
   */
  public static List<String> addresses(HostResolver resolver, String host, String localAddress) {
    boolean v6 = ipv6(localAddress);
    return resolver.resolve(host).stream().filter(a -> Ipv6.looksLike(a) == v6).toList();
  }

  /**
   * The address an attempt with {@code host} goes to: its first of {@code localAddress}'s family. Empty when there is
   * none, after a warning that starts with {@code context} and says why (it does not resolve, or only to the other
   * family) and ends with {@code consequence}.
   */
  public static Optional<String> addressFor(HostResolver resolver, String host, String localAddress, String context,
      String consequence) {
    List<String> all = resolver.resolve(host);
    boolean v6 = ipv6(localAddress);
    Optional<String> found = all.stream().filter(a -> Ipv6.looksLike(a) == v6).findFirst();
    if (found.isEmpty()) {
      String why = all.isEmpty() ? "does not resolve"
          : "resolves to " + String.join(", ", all) + " only: no " + (v6 ? "IPv6" : "IPv4") + " address, the"
              + " family of our local address " + localAddress + " for this peer";
      LOG.log(System.Logger.Level.WARNING, context + " " + host + " " + why + ": " + consequence);
    }
    return found;
  }

  /**
   * The peer an attempt of {@code from}'s entry goes to, starting with {@code from}: a peer given by address, or
   * resolved when the configuration was applied, as it is; a {@code dynamic} one resolved now and bound to that
   * address by {@code bind}; one that does not resolve (to the entry's family) is passed over for the entry's next,
   * wrapping, as a peer that does not answer would be. Empty when none resolves.
   *
   * @param entry the entry's peers in list order ({@code from} among them, or it is tried alone)
   */
  public static <P extends SetPeer> Optional<P> forAttempt(List<P> entry, P from, HostResolver resolver,
      BiFunction<P, String, P> bind, String context) {
    int at = Math.max(0, entry.indexOf(from));
    int n = Math.max(1, entry.size());
    for (int i = 0; i < n; i++) {
      P candidate = entry.isEmpty() ? from : entry.get((at + i) % entry.size());
      if (!candidate.resolveEachAttempt()) {
        return Optional.of(candidate);
      }
      Optional<String> now = addressFor(resolver, candidate.peerHost(), candidate.localAddress(), context,
          i + 1 < n ? "trying the next peer" : "this attempt fails");
      if (now.isPresent()) {
        return Optional.of(now.get().equals(candidate.peerAddress()) ? candidate : bind.apply(candidate, now.get()));
      }
    }
    return Optional.empty();
  }

  /** Whether a policy with this local address negotiates over IPv6 (an {@code ipv6 crypto map}). */
  public static boolean ipv6(String localAddress) {
    return localAddress != null && Ipv6.looksLike(localAddress);
  }
}
