package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;

/**
 * The IKEv1 policies of the Easy VPN remotes of a configuration ({@code crypto ipsec client ezvpn NAME} attached to
 * an interface with {@code crypto ipsec client ezvpn NAME outside}): one per {@code peer}, in order, each
 * Aggressive Mode with the group name as ID_KEY_ID and the group key, then XAUTH with the stored {@code username}
 * and Mode Config ({@link Ikev1Policy#xauth()}). The crypto map name of the policy is the remote's name (what
 * dpd-service looks its peer list up by). Suites: the pre-share {@code crypto isakmp policy} entries, else
 * AES-256/SHA-256/group 14; ESP: the configured transform sets, else AES-256/HMAC-SHA-256. The selectors are
 * placeholders that Mode Config replaces (the assigned address to the split include).
 */
final class EasyVpnPolicies {

  private static final Logger LOG = Logger.getLogger(EasyVpnPolicies.class.getName());
  static final Ikev1Suite DEFAULT_SUITE = new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.MODP_2048, 86_400);

  private EasyVpnPolicies() {}

  static List<Ikev1Policy> from(GatewayConfig cfg) {
    List<Ikev1Policy> out = new ArrayList<>();
    for (EzvpnClient c : cfg.ezvpnClients()) {
      InterfaceConfig outside = cfg.interfaces().stream()
          .filter(i -> i.ezvpn() != null && i.ezvpn().outside() && i.ezvpn().name().equals(c.name())
              && i.ipAddress() != null)
          .findFirst().orElse(null);
      if (outside == null || c.group() == null || c.peers().isEmpty()) {
        continue;
      }
      if (c.username() == null || c.password() == null) {
        LOG.warning(() -> "crypto ipsec client ezvpn " + c.name() + ": no username/password to answer XAUTH with;"
            + " the remote stays down (write username NAME password PASSWORD and xauth userid mode local)");
        continue;
      }
      List<Ikev1Suite> suites = cfg.isakmpPolicies().stream().sorted(Comparator.comparingInt(IsakmpPolicy::priority))
          .map(Ikev1Suite::of).filter(s -> s != null).toList();
      List<EspTransform> esp = cfg.transformSets().stream().map(TransformSet::transform).distinct().toList();
      InterfaceConfig inside = cfg.interfaces().stream()
          .filter(i -> i.ezvpn() != null && !i.ezvpn().outside() && i.ezvpn().name().equals(c.name())
              && i.ipAddress() != null && i.mask() != null)
          .findFirst().orElse(null);
      TrafficSelector local = inside == null ? TrafficSelector.anyPorts(outside.ipAddress(), outside.ipAddress())
          : network(inside.ipAddress(), inside.mask());
      SaSettings sa = cfg.sa();
      for (String configured : c.peers()) {
        // peer HOST: resolved now for the policy's address, and again before every attempt (Ikev1Service), so that
        // a server that moved is reached where its name points then; one that does not resolve now stays in the
        // list (unresolved) and is passed over until it does
        if (io.ipsecmesh.proto.config.Ipv6.isAddress(configured)) {
          LOG.warning(() -> "crypto ipsec client ezvpn " + c.name() + ": peer " + configured + " is IPv6, and legacy"
              + " Easy VPN is IPv4 only: peer left out (for IPv6 use a crypto map or a tunnel interface)");
          continue;
        }
        String peer = configured;
        String host = null;
        if (!Ipv4.isAddress(configured)) {
          // legacy Easy VPN is IPv4 only (config-service refuses an IPv6 peer address): a name is taken by its IPv4
          // address, and one with IPv6 addresses only fails, logged (SetPeers.addressFor)
          host = configured;
          peer = io.ipsecmesh.ike.policy.SetPeers.addressFor(Ikev1Policies.RESOLVER.get(), configured,
              outside.ipAddress(), "crypto ipsec client ezvpn " + c.name() + ": peer",
              "it is resolved again when the remote tries it").orElse(io.ipsecmesh.ike.policy.PeerPolicy.UNRESOLVED);
        }
        out.add(new Ikev1Policy(c.name(), 0, peer, outside.ipAddress(),
            new Ikev1Policy.Identity(IsakmpConstants.ID_KEY_ID, c.group()), Ikev1Policies.remote(null, peer),
            c.groupKey().getBytes(StandardCharsets.UTF_8), suites.isEmpty() ? List.of(DEFAULT_SUITE) : suites,
            esp.isEmpty() ? List.of(EspTransform.AES_CBC_256_HMAC_SHA256_128) : esp, null, List.of(local),
            List.of(TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255")), ChildSa.Mode.TUNNEL,
            sa.replay() == null ? 64 : sa.replay().effectiveWindow(),
            sa.lifetimeSeconds() == null ? SaSettings.DEFAULT_LIFETIME_SECONDS : sa.lifetimeSeconds(),
            sa.lifetimeKilobytes() == null ? SaSettings.DEFAULT_LIFETIME_KILOBYTES : sa.lifetimeKilobytes(), 0,
            cfg.effectiveDfBit(outside.name()).keyword(), true,
            new Ikev1Policy.EasyVpnClient(c.name(), c.username(), c.password().getBytes(StandardCharsets.UTF_8),
                c.mode() == EzvpnClient.Mode.NETWORK_EXTENSION || c.mode() == EzvpnClient.Mode.NETWORK_PLUS,
                c.mode() == EzvpnClient.Mode.NETWORK_PLUS)).withPeerHost(host, host != null));
      }
    }
    return out;
  }

  private static TrafficSelector network(String address, String mask) {
    long m = Ipv4.toLong(mask);
    long base = Ipv4.toLong(address) & m;
    return TrafficSelector.anyPorts(Ipv4.toText(base), Ipv4.toText(base | (~m & 0xffffffffL)));
  }
}
