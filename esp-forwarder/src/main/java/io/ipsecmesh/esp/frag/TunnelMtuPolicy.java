package io.ipsecmesh.esp.frag;

import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;

/**
 * What the outbound pipeline needs of the egress interface for each tunnel-mode packet: the outer DF
 * setting ({@code crypto ipsec df-bit}), where to fragment ({@code crypto ipsec fragmentation}) and
 * the limit ({@code ip mtu}), each the interface's own value if it has one, else the global one.
 * Immutable; the pipeline reads one reference per packet.
 *
 * @param mtu largest outer IP packet (header included) the interface sends unfragmented
 * @param tunnelIpMtu for the SAs of a tunnel interface with {@code ip mtu}, that value: the largest inner packet the
 *     tunnel carries whole (a bigger one is fragmented before encryption, or dropped with fragmentation-needed when
 *     its DF bit forbids it); 0 otherwise (the inner limit then follows from {@code mtu} and the SA's overhead)
 */
public record TunnelMtuPolicy(DfBit dfBit, Fragmentation fragmentation, int mtu, int tunnelIpMtu) {

  /** The policy of a crypto map interface (no tunnel interface {@code ip mtu}). */
  public TunnelMtuPolicy(DfBit dfBit, Fragmentation fragmentation, int mtu) {
    this(dfBit, fragmentation, mtu, 0);
  }

  /** IOS's default {@code ip mtu} of an Ethernet interface. */
  public static final int DEFAULT_MTU = 1500;

  public static final TunnelMtuPolicy DEFAULT =
      new TunnelMtuPolicy(DfBit.COPY, Fragmentation.BEFORE_ENCRYPTION, DEFAULT_MTU);

  /**
   * The policy of the first interface carrying a crypto map, for packets of an SA whose own interface is
   * unknown (see {@link #forSa}); the global settings when no interface carries one.
   */
  public static TunnelMtuPolicy of(GatewayConfig config) {
    for (InterfaceConfig i : config.interfaces()) {
      if (i.cryptoMap() != null || i.ipv6CryptoMap() != null) {
        return of(config, i);
      }
    }
    return new TunnelMtuPolicy(config.dfBit(), config.fragmentation(), DEFAULT_MTU);
  }

  /** The policy of tunnels leaving interface {@code i}: its own settings, else the global ones. */
  public static TunnelMtuPolicy of(GatewayConfig config, InterfaceConfig i) {
    return new TunnelMtuPolicy(config.effectiveDfBit(i.name()), config.effectiveFragmentation(i.name()),
        i.ipMtu() != null ? i.ipMtu() : DEFAULT_MTU);
  }

  /**
   * The policy of one SA: that of the interface it leaves by, which is the interface carrying its crypto
   * map (IPsec Data Plane guide, DF Bit Override: "crypto ipsec df-bit" in interface configuration mode
   * applies to that interface's tunnels); where the map is on several interfaces, the one whose address
   * is the SA's local address. Null when no interface carries the map (manual SAs of tests, or a map not
   * applied anywhere): the pipeline then uses {@link #of(GatewayConfig)}.
   */
  public static TunnelMtuPolicy forSa(GatewayConfig config, String cryptoMap, String localAddress) {
    InterfaceConfig vti = cryptoMap == null ? null : config.tunnelOf(cryptoMap, GatewayConfig.TUNNEL_SEQUENCE);
    if (vti != null && config.cryptoMap(cryptoMap).isEmpty()) {
      return forTunnel(config, vti);
    }
    InterfaceConfig chosen = null;
    for (InterfaceConfig i : config.interfaces()) {
      if (cryptoMap != null && i.carriesCryptoMap(cryptoMap)) {
        if (chosen == null || localAddress != null
            && (localAddress.equals(i.ipAddress()) || localAddress.equals(i.ipv6AddressOnly()))) {
          chosen = i;
        }
      }
    }
    return chosen == null ? null : of(config, chosen);
  }

  /**
   * The policy of a tunnel interface's SAs (the seed's "Pre-Fragmentation for IPsec VPNs": "VTI fragmentation
   * behavior is determined by the IP MTU settings that are configured on the VTI"): the tunnel's {@code ip mtu} is
   * the inner limit, above it packets are fragmented before encryption (or dropped with fragmentation-needed when
   * DF is set and the df-bit setting is not clear; for a {@code tunnel mode ipsec ipv6} tunnel its {@code ipv6
   * mtu}, above which an IPv6 packet is answered with ICMPv6 Packet Too Big, RFC 8200 §5); below it a packet whose
   * ESP packet exceeds the egress MTU is fragmented after encryption ("If fragmentation after-encryption behavior is desired, then set the VTI IP MTU to
   * a value that is greater than the egress router interface IP MTU"). DF bit and egress MTU are those of the
   * {@code tunnel source} interface; without {@code ip mtu} the inner limit follows from the egress MTU as for a
   * crypto map interface.
   */
  public static TunnelMtuPolicy forTunnel(GatewayConfig config, InterfaceConfig tunnel) {
    InterfaceConfig source = config.tunnelSourceInterface(tunnel);
    String sourceName = source == null ? "" : source.name();
    // an IPv6 tunnel's ESP leaves as IPv6: the source's ipv6 mtu limits it where one is configured
    Integer sourceMtu = source == null ? null
        : tunnel.tunnel() != null && tunnel.tunnel().carriesIpv6() && source.ipv6Mtu() != null ? source.ipv6Mtu()
        : source.ipMtu();
    int egress = sourceMtu != null ? sourceMtu : DEFAULT_MTU;
    // ip mtu of an IPv4 tunnel, ipv6 mtu of a tunnel mode ipsec ipv6 one (IOS applies each to its own family)
    Integer inner = tunnel.tunnelInnerMtu();
    return new TunnelMtuPolicy(config.effectiveDfBit(sourceName),
        inner != null ? Fragmentation.BEFORE_ENCRYPTION : config.effectiveFragmentation(sourceName), egress,
        inner != null ? inner : 0);
  }

  public boolean beforeEncryption() {
    return fragmentation == Fragmentation.BEFORE_ENCRYPTION;
  }
}
