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
   * The policy of the interface carrying a crypto map (the forwarder has one outer socket, so one
   * egress interface); the global settings when no interface carries one.
   */
  public static TunnelMtuPolicy of(GatewayConfig config) {
    for (InterfaceConfig i : config.interfaces()) {
      if (i.cryptoMap() != null) {
        return new TunnelMtuPolicy(config.effectiveDfBit(i.name()), config.effectiveFragmentation(i.name()),
            i.ipMtu() != null ? i.ipMtu() : DEFAULT_MTU);
      }
    }
    return new TunnelMtuPolicy(config.dfBit(), config.fragmentation(), DEFAULT_MTU);
  }

  public boolean beforeEncryption() {
    return fragmentation == Fragmentation.BEFORE_ENCRYPTION;
  }
}
