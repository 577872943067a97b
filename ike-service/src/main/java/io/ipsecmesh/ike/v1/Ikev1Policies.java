package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.PortMatch;
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
      List<EspTransform> esp = new ArrayList<>();
      ChildSa.Mode mode = ChildSa.Mode.TUNNEL;
      for (String name : e.transformSets()) {
        TransformSet t = cfg.transformSet(name);
        if (t != null) {
          if (esp.isEmpty() && t.mode() != null) {
            mode = t.mode();
          }
          esp.add(t.transform());
        }
      }
      AccessList acl = e.matchAddress() == null ? null : cfg.accessList(e.matchAddress());
      if (esp.isEmpty() || acl == null) {
        continue;
      }
      List<TrafficSelector> local = new ArrayList<>();
      List<TrafficSelector> remote = new ArrayList<>();
      for (AccessListEntry ace : acl.entries()) {
        if (ace.action() == AccessListEntry.Action.PERMIT) {
          local.add(selector(ace.source(), ace.sourcePort(), ace.protocolNumber()));
          remote.add(selector(ace.destination(), ace.destinationPort(), ace.protocolNumber()));
        }
      }
      if (local.isEmpty()) {
        continue;
      }
      InterfaceConfig itf = cfg.interfacesWithCryptoMap(e.name()).stream().findFirst().orElse(null);
      String localAddress = itf != null && itf.ipAddress() != null ? itf.ipAddress() : fallbackLocalAddress;
      SaSettings sa = cfg.effectiveSa(e);
      String df = cfg.effectiveDfBit(itf == null ? "" : itf.name()).keyword();
      for (String peer : e.peers()) {
        IsakmpKey key = cfg.isakmpKeyFor(peer);
        if (key == null) {
          continue;
        }
        // IOS "crypto isakmp identity address" (the default): phase-1 IDs are the addresses
        out.add(new Ikev1Policy(e.name(), e.seq(), peer, localAddress,
            new Ikev1Policy.Identity(IsakmpConstants.ID_IPV4_ADDR, localAddress), null,
            key.key().getBytes(StandardCharsets.UTF_8), suites, esp,
            e.pfsGroup() == null ? null : DhGroup.byId(e.pfsGroup()), local, remote, mode,
            sa.replay() == null ? 64 : sa.replay().effectiveWindow(),
            sa.lifetimeSeconds() == null ? SaSettings.DEFAULT_LIFETIME_SECONDS : sa.lifetimeSeconds(),
            sa.lifetimeKilobytes() == null ? SaSettings.DEFAULT_LIFETIME_KILOBYTES : sa.lifetimeKilobytes(),
            sa.idleTimeSeconds() == null ? 0 : sa.idleTimeSeconds(), df));
      }
    }
    return out;
  }

  /** An ACL address + wildcard and port condition as an address range selector. */
  static TrafficSelector selector(AddressMatch m, PortMatch port, int protocol) {
    long a = Ipv4.toLong(m.address());
    long w = Ipv4.toLong(m.wildcard());
    long start = a & ~w & 0xffffffffL;
    long end = (a | w) & 0xffffffffL;
    int lo = 0;
    int hi = 65535;
    if (port != null && port.operator() == PortMatch.Operator.EQ) {
      lo = port.low();
      hi = port.low();
    } else if (port != null && port.operator() == PortMatch.Operator.RANGE) {
      lo = port.low();
      hi = port.high();
    }
    return new TrafficSelector(Ipv4.toText(start), Ipv4.toText(end), protocol, lo, hi);
  }
}
