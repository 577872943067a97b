package io.ipsecmesh.ike.policy;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.Ipv6;
import io.ipsecmesh.proto.config.PortMatch;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the IKEv2 ({@link ConfigPolicies}) and the IKEv1 ({@code Ikev1Policies}) policies of one
 * {@code crypto map … ipsec-isakmp} entry take alike from the configuration: the ESP transforms of its
 * transform sets (the mode of the first one that names one, else tunnel), its ACL's permit entries as
 * local (source) and remote (destination) selectors, the first interface the map is applied to, the
 * {@code set pfs} group and the effective SA settings with their defaults.
 *
 * @param itf the first interface with this crypto map, null if none
 * @param pfsGroup {@code set pfs}, null without PFS
 */
public record CryptoMapTerms(
    List<EspTransform> espTransforms,
    ChildSa.Mode mode,
    List<TrafficSelector> localSelectors,
    List<TrafficSelector> remoteSelectors,
    InterfaceConfig itf,
    DhGroup pfsGroup,
    int replayWindow,
    long lifetimeSeconds,
    long lifetimeKilobytes,
    int idleTimeSeconds,
    String dfBit) {

  public CryptoMapTerms {
    espTransforms = List.copyOf(espTransforms);
    localSelectors = List.copyOf(localSelectors);
    remoteSelectors = List.copyOf(remoteSelectors);
  }

  /** How an ACL port condition becomes a selector's port range. */
  public enum Ports {
    /** IKEv2 selectors carry any range: {@code eq}, {@code range}, {@code lt} and {@code gt} narrow it. */
    ALL_OPERATORS,
    /** Only {@code eq} and {@code range} narrow the ports; {@code lt}, {@code gt} and {@code neq} mean any. */
    EQ_AND_RANGE
  }

  /**
   * The entry's terms, or null when none of its transform sets exists or its {@code match address}
   * names no ACL.
   */
  public static CryptoMapTerms of(GatewayConfig cfg, CryptoMapEntry e, Ports ports) {
    return of(cfg, e, e.matchAddress() == null ? null : cfg.accessList(e.matchAddress()), ports);
  }

  /**
   * The terms of a dynamic crypto map entry {@code dyn} used through the static entry {@code via}
   * ({@code crypto map VIA SEQ ipsec-isakmp dynamic DYN}): the template's transform sets, PFS, SA settings and
   * {@code match address}, the interface and DF bit of the static map. Without {@code match address} any traffic
   * (every address, protocol and port): the initiator's proposed selectors are then accepted as they are.
   */
  public static CryptoMapTerms ofDynamic(GatewayConfig cfg, CryptoMapEntry via, CryptoMapEntry dyn, Ports ports) {
    CryptoMapEntry as = new CryptoMapEntry(via.name(), via.seq(), CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(),
        dyn.transformSets(), dyn.sa(), dyn.pfsGroup(), dyn.matchAddress(), dyn.ikev2Profile(), null, null,
        dyn.isakmpProfile());
    // without match address: any of the family the static map is applied for (ipv6 crypto map: IPv6 any)
    boolean ipv6 = cfg.interfacesWithCryptoMap(via.name()).stream()
        .anyMatch(i -> via.name().equals(i.ipv6CryptoMap()) && !via.name().equals(i.cryptoMap()));
    io.ipsecmesh.proto.config.AddressMatch any = ipv6 ? io.ipsecmesh.proto.config.AddressMatch.ANY6
        : io.ipsecmesh.proto.config.AddressMatch.ANY;
    AccessList acl = dyn.matchAddress() == null
        ? new AccessList("any", false, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, ipv6 ? "ipv6" : "ip",
            any, null, any, null, null)), ipv6)
        : cfg.accessList(dyn.matchAddress());
    return of(cfg, as, acl, ports);
  }

  /**
   * The terms of tunnel interface {@code tunnel}, given as the entry it stands for ({@code asEntry}, see
   * {@code TunnelInterfacePolicies}): its profile's transform sets, PFS and SA settings, selectors any to any
   * (a route-based tunnel: what enters it is decided by the routes, RFC 4301 §4.4.1's "ANY" selectors), and the
   * interface and DF bit of its {@code tunnel source}.
   */
  public static CryptoMapTerms ofTunnel(GatewayConfig cfg, CryptoMapEntry asEntry, InterfaceConfig tunnel) {
    // tunnel mode ipsec ipv6: ::/0 both ways, one TS_IPV6_ADDR_RANGE each (RFC 7296 §3.13.1), as IOS proposes for an
    // IPv6 VTI; an IPv4 VTI 0.0.0.0/0 (TS_IPV4_ADDR_RANGE). IKEv1 takes the same as ID_IPV6_ADDR_SUBNET (RFC 2407 §4.6.2)
    boolean ipv6 = tunnel.tunnel() != null && tunnel.tunnel().carriesIpv6();
    CryptoMapTerms t = of(cfg, asEntry, ipv6 ? ANY6 : ANY, Ports.ALL_OPERATORS);
    if (t == null) {
      return null;
    }
    InterfaceConfig source = cfg.tunnelSourceInterface(tunnel);
    return new CryptoMapTerms(t.espTransforms, t.mode, t.localSelectors, t.remoteSelectors, source, t.pfsGroup,
        t.replayWindow, t.lifetimeSeconds, t.lifetimeKilobytes, t.idleTimeSeconds,
        cfg.effectiveDfBit(source == null ? "" : source.name()).keyword());
  }

  /** {@code permit ip any any}: every address, protocol and port. */
  private static final AccessList ANY = new AccessList("any", false, List.of(new AccessListEntry(
      AccessListEntry.Action.PERMIT, "ip", AddressMatch.ANY, null, AddressMatch.ANY, null, null)));

  /** {@code permit ipv6 any any} of an {@code ipv6 access-list}: every IPv6 address, protocol and port. */
  private static final AccessList ANY6 = new AccessList("any6", false, List.of(new AccessListEntry(
      AccessListEntry.Action.PERMIT, "ipv6", AddressMatch.ANY6, null, AddressMatch.ANY6, null, null)), true);

  private static CryptoMapTerms of(GatewayConfig cfg, CryptoMapEntry e, AccessList acl, Ports ports) {
    List<EspTransform> esp = new ArrayList<>();
    // Tunnel mode always: the forwarder runs tunnel-mode SAs only, so negotiating the transform set's
    // "mode transport" would give an SA it refuses. IOS itself uses tunnel mode for "mode transport"
    // whenever the protected traffic is not between the two peers' own addresses, which is what a crypto
    // map's ACL protects here (routes into the TUN); config-service warns about the line.
    ChildSa.Mode mode = ChildSa.Mode.TUNNEL;
    for (String name : e.transformSets()) {
      TransformSet t = cfg.transformSet(name);
      if (t != null) {
        esp.add(t.transform());
      }
    }
    if (esp.isEmpty() || acl == null) {
      return null;
    }
    List<TrafficSelector> local = new ArrayList<>();
    List<TrafficSelector> remote = new ArrayList<>();
    for (AccessListEntry ace : acl.entries()) {
      if (ace.action() == AccessListEntry.Action.PERMIT) {
        int proto = ace.protocolNumber();
        local.add(selector(ace.source(), ace.sourcePort(), proto, ports));
        remote.add(selector(ace.destination(), ace.destinationPort(), proto, ports));
      }
    }
    // crypto map NAME local-address IF names the interface; else the first one the map is applied to
    InterfaceConfig itf = cfg.localInterface(e.name());
    SaSettings sa = cfg.effectiveSa(e);
    return new CryptoMapTerms(esp, mode, local, remote, itf, pfsGroup(e),
        sa.replay() == null ? 64 : sa.replay().effectiveWindow(),
        sa.lifetimeSeconds() == null ? SaSettings.DEFAULT_LIFETIME_SECONDS : sa.lifetimeSeconds(),
        sa.lifetimeKilobytes() == null ? SaSettings.DEFAULT_LIFETIME_KILOBYTES : sa.lifetimeKilobytes(),
        sa.idleTimeSeconds() == null ? 0 : sa.idleTimeSeconds(),
        // DF follows the interface the tunnel leaves by: the one the map is applied to
        cfg.effectiveDfBit(cfg.interfacesWithCryptoMap(e.name()).stream().findFirst().map(InterfaceConfig::name)
            .orElse("")).keyword());
  }

  /**
   * The entry's {@code set pfs} group, null only when PFS is not configured. A configured group the engine
   * cannot compute is an error, never "no PFS": quietly dropping it would give the operator Child SAs
   * without the forward secrecy the configuration asks for.
   *
   * @throws IllegalArgumentException for a group {@link DhGroup} does not implement
   */
  static DhGroup pfsGroup(CryptoMapEntry e) {
    if (e.pfsGroup() == null) {
      return null;
    }
    DhGroup g = DhGroup.byId(e.pfsGroup());
    if (g == null) {
      throw new IllegalArgumentException("crypto map " + e.name() + " " + e.seq() + ": set pfs group"
          + e.pfsGroup() + " is not supported (supported: " + supportedGroups() + "); refusing the policy"
          + " rather than negotiating without PFS");
    }
    return g;
  }

  private static String supportedGroups() {
    // the legacy groups 1, 2, 5 exist only for crypto engine compliance shield disable: not offered here
    return Arrays.stream(DhGroup.values()).filter(g -> !g.legacy()).map(g -> "group" + g.groupId)
        .collect(Collectors.joining(", "));
  }

  /**
   * The address of the interface with this crypto map, else {@code fallback}: its {@code ipv6 address} when the map
   * protects IPv6 traffic (its selectors are IPv6: config-service keeps a map of one family), else its {@code ip
   * address}.
   */
  public String interfaceAddress(String fallback) {
    if (ipv6()) {
      return itf != null && itf.ipv6Address() != null ? itf.ipv6AddressOnly() : fallback;
    }
    return itf != null && itf.ipAddress() != null ? itf.ipAddress() : fallback;
  }

  /** Whether the map protects IPv6 traffic (an {@code ipv6 access-list}: its selectors are IPv6). */
  public boolean ipv6() {
    return !localSelectors.isEmpty() && Ipv6.looksLike(localSelectors.getFirst().startAddress());
  }

  /** An ACL address + wildcard and port condition as a traffic selector range. */
  static TrafficSelector selector(AddressMatch m, PortMatch port, int protocol, Ports ports) {
    String startText;
    String endText;
    if (m.ipv6()) {
      // an ipv6 access-list entry: its prefix as a TS_IPV6_ADDR_RANGE (RFC 7296 §3.13.1)
      byte[] a = Ipv6.parse(m.address());
      startText = Ipv6.text(Ipv6.network(a, m.prefixLength()));
      endText = Ipv6.text(Ipv6.last(a, m.prefixLength()));
    } else {
      long a = Ipv4.toLong(m.address());
      long w = Ipv4.toLong(m.wildcard());
      startText = Ipv4.toText(a & ~w & 0xffffffffL);
      endText = Ipv4.toText((a | w) & 0xffffffffL);
    }
    int lo = 0;
    int hi = 65535;
    if (port != null) {
      switch (port.operator()) {
        case EQ -> { lo = port.low(); hi = port.low(); }
        case RANGE -> { lo = port.low(); hi = port.high(); }
        case LT -> {
          if (ports == Ports.ALL_OPERATORS) {
            hi = Math.max(0, port.low() - 1);
          }
        }
        case GT -> {
          if (ports == Ports.ALL_OPERATORS) {
            lo = Math.min(65535, port.low() + 1);
          }
        }
        case NEQ -> { }
      }
    }
    return new TrafficSelector(startText, endText, protocol, lo, hi);
  }
}
