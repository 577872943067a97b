package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.policy.CryptoMapTerms;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.ike.policy.PeerAuthorization;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPeer;
import io.ipsecmesh.proto.config.IsakmpProfile;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The IKEv1 policies of a configuration: every {@code crypto map … ipsec-isakmp} entry without an
 * IKEv2 profile (the IOS rule: a map entry with {@code set ikev2-profile} negotiates IKEv2, the others
 * ISAKMP), one policy per {@code set peer} that has a {@code crypto isakmp key} (by address, or by the hostname
 * its {@code set isakmp-profile} matches), with the identities it may present, with the pre-share
 * {@code crypto isakmp policy} suites in priority order.
 */
public final class Ikev1Policies {

  private Ikev1Policies() {}

  /** Resolves {@code set peer HOST}: the service's resolver ({@code IPSECMESH_HOSTS_FILE} or the system's). */
  static final java.util.function.Supplier<io.ipsecmesh.ike.policy.HostResolver> RESOLVER =
      io.ipsecmesh.ike.policy.HostResolver::fromEnvironment;

  public static List<Ikev1Policy> from(GatewayConfig cfg, String fallbackLocalAddress) {
    List<Ikev1Suite> suites = cfg.isakmpPolicies().stream()
        .sorted(Comparator.comparingInt(IsakmpPolicy::priority))
        .map(Ikev1Suite::of).filter(s -> s != null).toList();
    List<Ikev1Policy> out = new ArrayList<>();
    if (suites.isEmpty()) {
      return out;
    }
    for (CryptoMapEntry e : cfg.cryptoMaps()) {
      if (e.keying() != CryptoMapEntry.Keying.IPSEC_ISAKMP || e.ikev2Profile() != null) {
        continue;
      }
      CryptoMapTerms terms = CryptoMapTerms.of(cfg, e, CryptoMapTerms.Ports.EQ_AND_RANGE);
      if (terms == null || terms.localSelectors().isEmpty()) {
        continue;
      }
      requireQuickModeGroup(e, terms.pfsGroup());
      String localAddress = terms.interfaceAddress(fallbackLocalAddress);
      IsakmpProfile profile = e.isakmpProfile() == null ? null : cfg.isakmpProfile(e.isakmpProfile());
      if (e.isakmpProfile() != null && profile == null) {
        continue; // a missing profile accepts nobody
      }
      Ikev1Policy.Identity localId = localIdentity(cfg, profile, localAddress);
      for (String configured : e.peers()) {
        // set peer HOST [dynamic]: resolved now to an address of the entry's family (IPv6 for an ipv6 crypto map);
        // one without dynamic that does not is left out until the configuration is applied again, a dynamic one
        // stays (unresolved) and Ikev1Service resolves it again before every attempt (SetPeers.forAttempt)
        String peer = configured;
        String host = null;
        boolean dynamic = false;
        IsakmpKey hostKey = null;
        if (!io.ipsecmesh.proto.config.Ipv4.isAddress(configured)
            && !io.ipsecmesh.proto.config.Ipv6.isAddress(configured)) {
          host = configured;
          dynamic = e.dynamicPeer(host);
          java.util.Optional<String> resolved = io.ipsecmesh.ike.policy.SetPeers.addressFor(RESOLVER.get(), host,
              localAddress, "crypto map " + e.name() + " " + e.seq() + ": set peer", dynamic
                  ? "resolved again at each attempt" : "peer left out until the configuration is applied again (or"
                  + " write set peer " + host + " dynamic to resolve it at each attempt)");
          if (resolved.isEmpty() && !dynamic) {
            continue;
          }
          peer = resolved.orElse(io.ipsecmesh.ike.policy.PeerPolicy.UNRESOLVED);
          hostKey = cfg.isakmpKeys().stream().filter(k -> configured.equalsIgnoreCase(k.hostname())).findFirst()
              .orElse(null);
        }
        IsakmpPeer am = cfg.aggressiveModeDisabled() ? null : cfg.isakmpPeer(peer);
        if (am != null && am.aggressive()) {
          // crypto isakmp peer address … set aggressive-mode password / client-endpoint: IOS initiates
          // Aggressive Mode with that key and identity (RFC 2409 §5.4), the peer's ID checked as in Main Mode
          out.add(new Ikev1Policy(e.name(), e.seq(), peer, localAddress, endpointIdentity(am.clientEndpoint()),
              remote(profile, localAddress), am.aggressivePassword().getBytes(StandardCharsets.UTF_8), suites,
              terms.espTransforms(), terms.pfsGroup(), terms.localSelectors(), terms.remoteSelectors(), terms.mode(),
              terms.replayWindow(), terms.lifetimeSeconds(), terms.lifetimeKilobytes(), terms.idleTimeSeconds(),
              terms.dfBit(), true, null, host, dynamic));
          continue;
        }
        IsakmpKey key = hostKey != null ? hostKey : key(cfg, profile, peer);
        if (key == null) {
          continue;
        }
        Ikev1Policy policy = new Ikev1Policy(e.name(), e.seq(), peer, localAddress, localId,
            remote(profile, localAddress), key.key().getBytes(StandardCharsets.UTF_8), suites, terms.espTransforms(),
            terms.pfsGroup(), terms.localSelectors(), terms.remoteSelectors(), terms.mode(), terms.replayWindow(),
            terms.lifetimeSeconds(), terms.lifetimeKilobytes(), terms.idleTimeSeconds(), terms.dfBit());
        out.add(host == null ? policy : policy.withPeerHost(host, dynamic));
      }
    }
    return out;
  }

  /**
   * The IKEv1 entries of dynamic crypto maps: for every {@code crypto map NAME SEQ ipsec-isakmp dynamic DYN}, one
   * template per entry of {@code crypto dynamic-map DYN} without {@code set ikev2-profile}, in sequence order, with
   * that entry's transform sets, {@code set pfs}, SA settings, {@code match address} (none: whatever the peer
   * proposes) and {@code set isakmp-profile}, under the static entry's name (IOS shows the SAs there). An entry no
   * key could ever authenticate (no {@code crypto isakmp key … address}, and no hostname key its profile names) is
   * left out, logged.
   */
  public static List<Ikev1Template> templates(GatewayConfig cfg, String fallbackLocalAddress) {
    List<Ikev1Suite> suites = cfg.isakmpPolicies().stream()
        .sorted(Comparator.comparingInt(IsakmpPolicy::priority))
        .map(Ikev1Suite::of).filter(s -> s != null).toList();
    List<Ikev1Template> out = new ArrayList<>();
    if (suites.isEmpty()) {
      return out;
    }
    for (CryptoMapEntry via : cfg.cryptoMaps()) {
      if (via.dynamicMap() == null) {
        continue;
      }
      for (CryptoMapEntry dyn : cfg.dynamicMap(via.dynamicMap())) {
        if (dyn.ikev2Profile() != null) {
          continue; // an IKEv2 template (ConfigPolicies.dynamicTemplates)
        }
        CryptoMapTerms terms = CryptoMapTerms.ofDynamic(cfg, via, dyn, CryptoMapTerms.Ports.EQ_AND_RANGE);
        if (terms == null || terms.localSelectors().isEmpty()) {
          continue;
        }
        requireQuickModeGroup(via, terms.pfsGroup());
        IsakmpProfile profile = dyn.isakmpProfile() == null ? null : cfg.isakmpProfile(dyn.isakmpProfile());
        if (dyn.isakmpProfile() != null && profile == null) {
          continue; // a missing profile accepts nobody
        }
        boolean anyKey = cfg.isakmpKeys().stream().anyMatch(k -> k.hostname() == null)
            || profile != null && profile.matchIdentities().stream().anyMatch(m -> m.type() == IkeIdentity.Type.FQDN
                && !m.domain() && cfg.isakmpKeys().stream().anyMatch(k -> m.value().equalsIgnoreCase(k.hostname())));
        if (!anyKey) {
          System.getLogger(Ikev1Policies.class.getName()).log(System.Logger.Level.WARNING, "crypto map " + via.name()
              + " " + via.seq() + " dynamic " + via.dynamicMap() + " " + dyn.seq() + ": no crypto isakmp key for any"
              + " address (crypto isakmp key KEY address 0.0.0.0 0.0.0.0): no IKEv1 peer can authenticate");
          continue;
        }
        String localAddress = terms.interfaceAddress(fallbackLocalAddress);
        Ikev1Policy policy = new Ikev1Policy(via.name(), via.seq(), io.ipsecmesh.ike.policy.PeerPolicy.UNRESOLVED,
            localAddress, localIdentity(cfg, profile, localAddress), remote(profile, null), null, suites,
            terms.espTransforms(), terms.pfsGroup(), terms.localSelectors(), terms.remoteSelectors(), terms.mode(),
            terms.replayWindow(), terms.lifetimeSeconds(), terms.lifetimeKilobytes(), terms.idleTimeSeconds(),
            terms.dfBit());
        out.add(new Ikev1Template(policy, peer -> key(cfg, profile, peer)));
      }
    }
    return out;
  }

  /**
   * The identities a peer may present (RFC 2409 §5: the ID payload of Main Mode, RFC 2407 §4.6.2 types): the
   * entry's {@code set isakmp-profile}'s {@code match identity} statements; without one, IOS's default
   * {@code crypto isakmp identity address}: an address ID (ID_IPV4_ADDR), whatever the address — the key chosen
   * by the peer's address authenticates it, and behind a NAT the ID is the peer's private address — while a
   * host name, user FQDN or key-id is refused unless a profile names it.
   *
   * @param peer the peer's address, or any address of its family (the entry's local address)
   */
  static PeerAuthorization remote(IsakmpProfile profile, String peer) {
    if (profile != null) {
      return PeerAuthorization.preShared(profile.matchIdentities());
    }
    // an IPv6 peer's address ID is an ID_IPV6_ADDR: any of them, as any IPv4 address for an IPv4 peer
    return PeerAuthorization.preShared(List.of(new IdentityMatch(IkeIdentity.Type.ADDRESS,
        peer != null && io.ipsecmesh.proto.config.Ipv6.looksLike(peer) ? "::/0" : "0.0.0.0 0.0.0.0", false)));
  }

  /**
   * The key for a peer: {@code crypto isakmp key … address} (most specific mask), else the hostname key of a host
   * the entry's ISAKMP profile matches by name ({@code match identity host NAME}) — Main Mode needs the key before
   * the encrypted ID arrives (RFC 2409 §5.4), so a hostname key is bound to the peer through its profile.
   */
  static IsakmpKey key(GatewayConfig cfg, IsakmpProfile profile, String peer) {
    IsakmpKey byAddress = cfg.isakmpKeyFor(peer);
    if (byAddress != null || profile == null) {
      return byAddress;
    }
    for (IdentityMatch m : profile.matchIdentities()) {
      if (m.type() == IkeIdentity.Type.FQDN && !m.domain()) {
        for (IsakmpKey k : cfg.isakmpKeys()) {
          if (m.value().equalsIgnoreCase(k.hostname() == null ? "" : k.hostname())) {
            return k;
          }
        }
      }
    }
    return null;
  }

  /** {@code set aggressive-mode client-endpoint}: ipv4-address, fqdn or user-fqdn as an RFC 2407 §4.6.2.1 ID. */
  static Ikev1Policy.Identity endpointIdentity(IkeIdentity endpoint) {
    return switch (endpoint.type()) {
      case ADDRESS -> new Ikev1Policy.Identity(IsakmpConstants.ID_IPV4_ADDR, endpoint.value());
      case FQDN -> new Ikev1Policy.Identity(IsakmpConstants.ID_FQDN, endpoint.value());
      default -> new Ikev1Policy.Identity(IsakmpConstants.ID_USER_FQDN, endpoint.value());
    };
  }

  /**
   * Our phase-1 ID: the profile's {@code self-identity}, else {@code crypto isakmp identity hostname}
   * (hostname.domain, ID_FQDN) or the default {@code address} (ID_IPV4_ADDR).
   */
  static Ikev1Policy.Identity localIdentity(GatewayConfig cfg, IsakmpProfile profile, String localAddress) {
    IkeIdentity self = profile == null ? null : profile.selfIdentity();
    if (self != null && self.type() == IkeIdentity.Type.FQDN) {
      return new Ikev1Policy.Identity(IsakmpConstants.ID_FQDN, self.value());
    }
    if (self != null && self.type() == IkeIdentity.Type.EMAIL) {
      return new Ikev1Policy.Identity(IsakmpConstants.ID_USER_FQDN, self.value());
    }
    if (self == null && "hostname".equals(cfg.isakmpIdentity()) && cfg.fullHostname() != null) {
      return new Ikev1Policy.Identity(IsakmpConstants.ID_FQDN, cfg.fullHostname());
    }
    // RFC 2407 §4.6.2.1: an IPv6 gateway's address is an ID_IPV6_ADDR
    return new Ikev1Policy.Identity(io.ipsecmesh.proto.config.Ipv6.looksLike(localAddress)
        ? IsakmpConstants.ID_IPV6_ADDR : IsakmpConstants.ID_IPV4_ADDR, localAddress);
  }

  /**
   * Refuses a {@code set pfs} group that IKEv1 Quick Mode cannot use. Curve25519 (group 31) is defined for
   * IKEv2 only (RFC 8031) and {@link Ikev1Proposals#espChoice} does not accept it, so such a policy could
   * never complete a Quick Mode: it would fail every negotiation at run time with NO-PROPOSAL-CHOSEN, and
   * any later change that let the group through as "no group" would silently drop PFS. The configuration
   * is refused when the policies are built instead, naming the crypto map.
   *
   * @throws IllegalArgumentException for group 31 on an IKEv1 crypto map entry
   */
  static void requireQuickModeGroup(CryptoMapEntry e, DhGroup pfs) {
    if (pfs == DhGroup.CURVE25519) {
      throw new IllegalArgumentException("crypto map " + e.name() + " " + e.seq() + ": set pfs group"
          + pfs.groupId + " (Curve25519) is defined for IKEv2 only (RFC 8031), and this entry has no set"
          + " ikev2-profile, so it negotiates IKEv1; use group14, group19 or group20, or set an ikev2-profile;"
          + " refusing the policy rather than negotiating without PFS");
    }
  }
}
