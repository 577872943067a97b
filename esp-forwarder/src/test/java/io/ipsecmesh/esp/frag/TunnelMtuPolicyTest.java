package io.ipsecmesh.esp.frag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.esp.netns.TwoInterfaceConfigs;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.GatewayConfig;
import org.junit.jupiter.api.Test;

/**
 * The seed's DF Bit Override example: global {@code crypto ipsec df-bit clear}, crypto map armadillo on an
 * interface with its own {@code crypto ipsec df-bit copy}, basilisk on one without: each SA gets the
 * policy of its own map's interface (before: the first interface's, copy, for both).
 */
class TunnelMtuPolicyTest {

  @Test
  void eachSaGetsThePolicyOfItsCryptoMapsInterface() {
    GatewayConfig c = TwoInterfaceConfigs.gatewayA();
    assertEquals(DfBit.COPY, TunnelMtuPolicy.forSa(c, "armadillo", "172.31.252.1").dfBit());
    assertEquals(DfBit.CLEAR, TunnelMtuPolicy.forSa(c, "basilisk", "172.31.251.1").dfBit(),
        "the global df-bit clear, though basilisk's local address is Loopback1's");
    assertNull(TunnelMtuPolicy.forSa(c, "nowhere", "172.31.252.1"), "a map on no interface: the default");
  }
}
