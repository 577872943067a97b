package io.ipsecmesh.dpd;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Dpd;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.IsakmpKeepalive;
import java.util.List;
import java.util.Optional;

/**
 * Reads what DPD needs from the configuration model: the timers of each peer and its failover list.
 * IKEv1 SAs follow {@code crypto isakmp keepalive}; IKEv2 SAs the {@code dpd} of their profile, else
 * {@code crypto ikev2 dpd}. The profile is the crypto map entry's {@code set ikev2-profile}, else the
 * first profile whose {@code match identity remote address} covers the peer.
 */
public final class DpdConfig implements DpdPolicy {

  private static final System.Logger LOG = System.getLogger(DpdConfig.class.getName());

  private final GatewayConfig config;

  public DpdConfig(GatewayConfig config) {
    this.config = config;
  }

  @Override
  public Optional<DpdSettings> settingsFor(IkePeer peer) {
    if (peer.ikeVersion() == 2) {
      Ikev2Dpd dpd = config.effectiveDpd(profileOf(peer));
      return dpd == null ? Optional.empty() : settings(dpd.intervalSeconds(), dpd.retrySeconds(), dpd.mode());
    }
    IsakmpKeepalive k = config.isakmpKeepalive();
    return k == null ? Optional.empty() : settings(k.seconds(), k.retrySeconds(), k.mode());
  }

  /**
   * The ordered peer list the SA was built from: its crypto map entry's {@code set peer} lines, or, when
   * ike-service names an Easy VPN client as the SA's crypto map, that client's {@code peer} lines.
   */
  public PeerFailover failoverFor(IkePeer peer) {
    if (peer.cryptoMap() == null) {
      return new PeerFailover(List.of());
    }
    CryptoMapEntry entry = config.cryptoMapEntry(peer.cryptoMap(), peer.mapSequence());
    if (entry != null) {
      return new PeerFailover(entry.peers());
    }
    EzvpnClient ezvpn = config.ezvpnClient(peer.cryptoMap());
    return new PeerFailover(ezvpn == null ? List.of() : ezvpn.peers());
  }

  private Ikev2Profile profileOf(IkePeer peer) {
    // a tunnel interface's SA: the IKEv2 profile of its tunnel protection ipsec profile
    io.ipsecmesh.proto.config.InterfaceConfig tunnel = config.tunnelOf(peer.cryptoMap(), peer.mapSequence());
    if (tunnel != null) {
      io.ipsecmesh.proto.config.IpsecProfile ipsec = config.ipsecProfile(tunnel.tunnel().protection());
      if (ipsec != null && ipsec.ikev2Profile() != null) {
        return config.ikev2Profile(ipsec.ikev2Profile());
      }
    }
    if (peer.cryptoMap() != null) {
      CryptoMapEntry entry = config.cryptoMapEntry(peer.cryptoMap(), peer.mapSequence());
      if (entry != null && entry.ikev2Profile() != null) {
        return config.ikev2Profile(entry.ikev2Profile());
      }
    }
    for (Ikev2Profile p : config.ikev2Profiles()) {
      for (String match : p.matchRemoteAddresses()) {
        if (covers(match, peer.peerAddress())) {
          return p;
        }
      }
    }
    return null;
  }

  /** {@code "IP MASK"} or {@code "IP"} against a dotted-quad address; {@code "IPV6/LEN"} against an IPv6 one. */
  static boolean covers(String match, String address) {
    if (io.ipsecmesh.proto.config.Ipv6.looksLike(match)) {
      int slash = match.indexOf('/');
      return slash > 0 && io.ipsecmesh.proto.config.Ipv6.inPrefix(match.substring(0, slash),
          Integer.parseInt(match.substring(slash + 1)), address);
    }
    try {
      String[] parts = match.trim().split("\\s+");
      long mask = parts.length > 1 ? Ipv4.toLong(parts[1]) : 0xFFFF_FFFFL;
      return (Ipv4.toLong(parts[0]) & mask) == (Ipv4.toLong(address) & mask);
    } catch (RuntimeException notIpv4) {
      return false;
    }
  }

  private static Optional<DpdSettings> settings(int seconds, int retry, io.ipsecmesh.proto.config.DpdMode mode) {
    try {
      return Optional.of(new DpdSettings(seconds, retry == 0 ? DpdSettings.DEFAULT_RETRY_SECONDS : retry,
          mode == io.ipsecmesh.proto.config.DpdMode.PERIODIC ? DpdMode.PERIODIC : DpdMode.ON_DEMAND));
    } catch (IllegalArgumentException e) {
      // config-service validates the same ranges; a model that slipped past it must not stop DPD elsewhere.
      LOG.log(System.Logger.Level.WARNING, "ignoring DPD timers: " + e.getMessage());
      return Optional.empty();
    }
  }
}
