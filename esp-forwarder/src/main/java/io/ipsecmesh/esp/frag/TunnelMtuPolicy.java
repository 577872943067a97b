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
 */
public record TunnelMtuPolicy(DfBit dfBit, Fragmentation fragmentation, int mtu) {

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
      if (i.cryptoMap() != null) {
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
    InterfaceConfig chosen = null;
    for (InterfaceConfig i : config.interfaces()) {
      if (cryptoMap != null && cryptoMap.equals(i.cryptoMap())) {
        if (chosen == null || localAddress != null && localAddress.equals(i.ipAddress())) {
          chosen = i;
        }
      }
    }
    return chosen == null ? null : of(config, chosen);
  }

  public boolean beforeEncryption() {
    return fragmentation == Fragmentation.BEFORE_ENCRYPTION;
  }
}
