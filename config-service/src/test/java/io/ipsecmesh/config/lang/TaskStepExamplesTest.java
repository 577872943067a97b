package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.DpdMode;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IsakmpKeepalive;
import io.ipsecmesh.proto.config.Replay;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one-line "Example:" of each configuration task of the seed documents (without the
 * {@code Router(config)#} prompt), typed one after another as the tasks describe.
 */
class TaskStepExamplesTest {

  private static GatewayConfig load(String text) {
    ParseResult r = ConfigParser.parse("steps.cfg", text);
    assertEquals(List.of(), r.errors());
    return r.config();
  }

  @Test
  void antiReplayWindowGloballyThenPerCryptoMap() {
    GatewayConfig c = load("""
        crypto ipsec security-association replay window-size 256
        crypto map ETH0 17 ipsec-isakmp
        set security-association replay window-size 128
        """);
    assertEquals(Replay.window(256), c.sa().replay());
    assertEquals(128, c.effectiveSa(c.cryptoMapEntry("ETH0", 17)).replay().effectiveWindow());
    GatewayConfig disabled = load("""
        crypto ipsec security-association replay disable
        crypto map ETH0 17 ipsec-isakmp
        set security-association replay disable
        """);
    assertEquals(0, disabled.sa().replay().effectiveWindow());
  }

  @Test
  void periodicDpdAndTheFailoverCryptoMap() {
    GatewayConfig c = load("""
        crypto isakmp keepalive 10 periodic
        crypto map green 1 ipsec-isakmp
        set peer 10.12.12.12
        set transform-set txfm
        match address 101
        """);
    assertEquals(new IsakmpKeepalive(10, 2, DpdMode.PERIODIC), c.isakmpKeepalive());
    assertEquals(List.of("10.12.12.12"), c.cryptoMapEntry("green", 1).peers());
  }

  @Test
  void easyVpnRemoteSteps() {
    GatewayConfig c = load("""
        crypto ipsec client ezvpn ezvpn-config1
        connect manual
        group unity key preshared
        mode client
        peer 10.10.10.10
        """);
    assertEquals(List.of("10.10.10.10"), c.ezvpnClient("ezvpn-config1").peers());
  }

  @Test
  void natTransparencyOffAndNatKeepalives() {
    GatewayConfig c = load("""
        no crypto ipsec nat-transparency udp-encapsulation
        crypto isakmp nat keepalive 20
        """);
    assertFalse(c.natTransparency());
    assertEquals(20, c.natKeepaliveSeconds());
  }

  @Test
  void dfBitSetGloballyAndPreFragmentationMtuOnATunnelInterface() {
    GatewayConfig c = load("""
        crypto ipsec df-bit set
        interface tunnel0
        ip mtu 1500
        """);
    // IOS writes the interface back as Tunnel0, the name routes into it use
    assertEquals(DfBit.SET, c.effectiveDfBit("Tunnel0"));
    assertEquals(1500, c.interfaceNamed("Tunnel0").ipMtu());
  }

  @Test
  void idleTimerGloballyAndPerCryptoMap() {
    GatewayConfig c = load("""
        crypto ipsec security-association idle-time 600
        crypto map test 1 ipsec-isakmp
        set security-association idle-time 600
        """);
    assertEquals(600, c.sa().idleTimeSeconds());
    assertEquals(600, c.cryptoMapEntry("test", 1).sa().idleTimeSeconds());
  }

  @Test
  void invalidSpiRecovery() {
    assertTrue(load("crypto isakmp invalid-spi-recovery\n").invalidSpiRecovery());
  }

  @Test
  void ikev2DpdInTheProfile() {
    GatewayConfig c = load("""
        crypto ikev2 profile dmvpn
         dpd 10 2 on-demand
        """);
    assertEquals(DpdMode.ON_DEMAND, c.effectiveDpd(c.ikev2Profile("dmvpn")).mode());
  }
}
