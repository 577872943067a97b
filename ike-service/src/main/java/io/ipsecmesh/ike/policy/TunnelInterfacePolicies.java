package io.ipsecmesh.ike.policy;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IpsecProfile;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.InterfaceConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The IKEv2 policies of static virtual tunnel interfaces ({@code interface TunnelN} with {@code tunnel mode ipsec
 * ipv4} and {@code tunnel protection ipsec profile P}, the Cisco IPsec Virtual Tunnel Interface document): each is
 * the crypto map entry IOS builds for the tunnel — its only peer the {@code tunnel destination}, the profile's
 * transform sets, PFS, SA settings and IKEv2 profile, selectors 0.0.0.0/0 to 0.0.0.0/0 — named after the interface
 * with sequence {@link GatewayConfig#TUNNEL_SEQUENCE}, so its Child SAs carry {@code cryptoMap = "Tunnel1"} and the
 * forwarder routes into them. The local address is the {@code tunnel source}'s. As responder the peer's narrower
 * selectors are accepted (RFC 7296 §2.9: ours cover everything).
 */
public final class TunnelInterfacePolicies {

  private TunnelInterfacePolicies() {}

  public static List<PeerPolicy> from(GatewayConfig cfg, String fallbackLocalAddress, Credentials credentials,
      TrustStore trust, HostResolver resolver) {
    List<PeerPolicy> out = new ArrayList<>();
    for (InterfaceConfig tunnel : cfg.ipsecTunnels()) {
      IpsecProfile ipsec = cfg.ipsecProfile(tunnel.tunnel().protection());
      if (ipsec == null || ipsec.ikev2Profile() == null || tunnel.tunnel().destination() == null) {
        continue; // config-service refuses such a file; an older one must not take ike-service down
      }
      Ikev2Profile profile = cfg.ikev2Profile(ipsec.ikev2Profile());
      CryptoMapEntry entry = asEntry(tunnel, ipsec);
      CryptoMapTerms terms = CryptoMapTerms.ofTunnel(cfg, entry, tunnel);
      if (terms == null || profile == null) {
        continue;
      }
      String source = cfg.tunnelSourceAddress(tunnel);
      String localAddress = profile.identityLocalAddress() != null ? profile.identityLocalAddress()
          : source != null ? source : fallbackLocalAddress;
      out.addAll(ConfigPolicies.peerPolicies(cfg, entry, terms, profile, localAddress, credentials, trust, resolver));
    }
    return out;
  }

  /** The crypto map entry IOS builds for a tunnel interface ({@code Tunnel1-head-0} in its show commands). */
  public static CryptoMapEntry asEntry(InterfaceConfig tunnel, IpsecProfile ipsec) {
    return new CryptoMapEntry(tunnel.name(), GatewayConfig.TUNNEL_SEQUENCE, CryptoMapEntry.Keying.IPSEC_ISAKMP,
        List.of(tunnel.tunnel().destination()), ipsec.transformSets(), ipsec.sa(), ipsec.pfsGroup(), null,
        ipsec.ikev2Profile(), null, null);
  }

  /** Whether a policy is a tunnel interface's (brought up when the configuration is applied, not on ACQUIRE). */
  public static boolean isTunnel(PeerPolicy p) {
    return p.mapSequence() == GatewayConfig.TUNNEL_SEQUENCE;
  }
}
