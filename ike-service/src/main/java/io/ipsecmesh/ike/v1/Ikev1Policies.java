package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.policy.CryptoMapTerms;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The IKEv1 policies of a configuration: every {@code crypto map … ipsec-isakmp} entry without an
 * IKEv2 profile (the IOS rule: a map entry with {@code set ikev2-profile} negotiates IKEv2, the others
 * ISAKMP), one policy per {@code set peer} that has a {@code crypto isakmp key}, with the pre-share
 * {@code crypto isakmp policy} suites in priority order.
 */
public final class Ikev1Policies {

  private Ikev1Policies() {}

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
      for (String peer : e.peers()) {
        IsakmpKey key = cfg.isakmpKeyFor(peer);
        if (key == null) {
          continue;
        }
        // IOS "crypto isakmp identity address" (the default): phase-1 IDs are the addresses
        out.add(new Ikev1Policy(e.name(), e.seq(), peer, localAddress,
            new Ikev1Policy.Identity(IsakmpConstants.ID_IPV4_ADDR, localAddress), null,
            key.key().getBytes(StandardCharsets.UTF_8), suites, terms.espTransforms(), terms.pfsGroup(),
            terms.localSelectors(), terms.remoteSelectors(), terms.mode(), terms.replayWindow(),
            terms.lifetimeSeconds(), terms.lifetimeKilobytes(), terms.idleTimeSeconds(), terms.dfBit()));
      }
    }
    return out;
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
