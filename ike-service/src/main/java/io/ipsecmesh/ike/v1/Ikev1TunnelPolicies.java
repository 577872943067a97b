package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.policy.CryptoMapTerms;
import io.ipsecmesh.ike.policy.TunnelInterfacePolicies;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IpsecProfile;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.IsakmpProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The IKEv1 policies of static virtual tunnel interfaces whose {@code crypto ipsec profile} has no {@code set
 * ikev2-profile}: on IOS such a profile is keyed by ISAKMP — the {@code crypto isakmp policy} suites, the {@code
 * crypto isakmp key} of the {@code tunnel destination}, or the identities and hostname keys of the profile's {@code
 * set isakmp-profile} (the Cisco IPsec Virtual Tunnel Interface document, "Static Virtual Tunnel Interface with IPsec"
 * example). Each is the crypto map entry IOS builds for the tunnel ({@code Tunnel1-head-0}), like the IKEv2 ones of
 * {@link TunnelInterfacePolicies}: named after the interface with sequence {@link GatewayConfig#TUNNEL_SEQUENCE} (so its
 * Child SAs are the tunnel's and the forwarder routes into them), the {@code tunnel source}'s address, the profile's
 * transform sets, PFS and SA settings, and Quick Mode IDs 0.0.0.0/0 both ways (RFC 2409 §5.5 IDci/IDcr); as responder
 * narrower IDs proposed by the peer are accepted, being inside 0.0.0.0/0.
 */
public final class Ikev1TunnelPolicies {

  private static final System.Logger LOG = System.getLogger(Ikev1TunnelPolicies.class.getName());

  private Ikev1TunnelPolicies() {}

  public static List<Ikev1Policy> from(GatewayConfig cfg, String fallbackLocalAddress) {
    List<Ikev1Suite> suites = cfg.isakmpPolicies().stream()
        .sorted(Comparator.comparingInt(IsakmpPolicy::priority))
        .map(Ikev1Suite::of).filter(s -> s != null).toList();
    List<Ikev1Policy> out = new ArrayList<>();
    for (InterfaceConfig tunnel : cfg.ipsecTunnels()) {
      IpsecProfile ipsec = cfg.ipsecProfile(tunnel.tunnel().protection());
      String peer = tunnel.tunnel().destination();
      if (ipsec == null || ipsec.ikev2Profile() != null || peer == null) {
        continue; // IKEv2 (TunnelInterfacePolicies), or a file config-service refuses
      }
      if (suites.isEmpty()) {
        LOG.log(System.Logger.Level.WARNING, "interface " + tunnel.name() + ": no crypto isakmp policy with"
            + " pre-shared keys: the IKEv1 tunnel stays down");
        continue;
      }
      CryptoMapEntry base = TunnelInterfacePolicies.asEntry(tunnel, ipsec);
      CryptoMapEntry entry = new CryptoMapEntry(base.name(), base.seq(), base.keying(), base.peers(),
          base.transformSets(), base.sa(), base.pfsGroup(), null, null, null, null, ipsec.isakmpProfile());
      CryptoMapTerms terms = CryptoMapTerms.ofTunnel(cfg, entry, tunnel);
      if (terms == null) {
        continue;
      }
      Ikev1Policies.requireQuickModeGroup(entry, terms.pfsGroup());
      IsakmpProfile profile = ipsec.isakmpProfile() == null ? null : cfg.isakmpProfile(ipsec.isakmpProfile());
      if (ipsec.isakmpProfile() != null && profile == null) {
        continue; // a missing profile accepts nobody
      }
      IsakmpKey key = Ikev1Policies.key(cfg, profile, peer);
      if (key == null) {
        LOG.log(System.Logger.Level.WARNING, "interface " + tunnel.name() + ": no crypto isakmp key for tunnel"
            + " destination " + peer + ": the IKEv1 tunnel stays down");
        continue;
      }
      String source = cfg.tunnelSourceAddress(tunnel);
      String localAddress = source != null ? source : fallbackLocalAddress;
      out.add(new Ikev1Policy(entry.name(), entry.seq(), peer, localAddress,
          Ikev1Policies.localIdentity(cfg, profile, localAddress), Ikev1Policies.remote(profile, peer),
          key.key().getBytes(StandardCharsets.UTF_8), suites, terms.espTransforms(), terms.pfsGroup(),
          terms.localSelectors(), terms.remoteSelectors(), terms.mode(), terms.replayWindow(), terms.lifetimeSeconds(),
          terms.lifetimeKilobytes(), terms.idleTimeSeconds(), terms.dfBit()));
    }
    return out;
  }

  /** Whether an IKEv1 policy is a tunnel interface's (kept up from the configuration, not started by ACQUIRE). */
  public static boolean isTunnel(Ikev1Policy p) {
    return p.mapSequence() == GatewayConfig.TUNNEL_SEQUENCE && p.xauth() == null;
  }
}
