package io.ipsecmesh.esp.frag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.TunnelMode;
import io.ipsecmesh.proto.config.TunnelSettings;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's "Pre-Fragmentation for IPsec VPNs" procedure, switched through a tunnel interface's {@code ip mtu}
 * ("VTI fragmentation behavior is determined by the IP MTU settings that are configured on the VTI"): above the
 * tunnel's ip mtu a packet is fragmented before encryption, or, DF set, dropped with a fragmentation-needed that
 * names the tunnel's ip mtu; below it, a packet whose ESP packet exceeds the egress interface is fragmented after
 * encryption ("set the VTI IP MTU to a value that is greater than the egress router interface IP MTU"). In-process
 * on {@link TunnelHarness} (AES-256-CBC + HMAC-SHA-256-128 in UDP).
 */
class TunnelInterfaceMtuTest {

  /** {@code interface Gi1 / ip mtu EGRESS} and {@code interface Tunnel1 / ip mtu TUNNEL / tunnel source Gi1 …}. */
  static TunnelMtuPolicy policy(Integer egress, Integer tunnelMtu, DfBit dfBit) {
    InterfaceConfig gi1 = new InterfaceConfig("Gi1", "172.31.249.1", "255.255.255.0", egress, null, null, null);
    InterfaceConfig tunnel = new InterfaceConfig("Tunnel1", null, null, tunnelMtu, null, null, null, null,
        new TunnelSettings("Gi1", "172.31.249.2", TunnelMode.IPSEC_IPV4, "P"));
    GatewayConfig e = GatewayConfig.empty();
    GatewayConfig c = GatewayConfig.builder().dfBit(dfBit).sa(e.sa()).interfaces(List.of(gi1, tunnel)).build();
    TunnelMtuPolicy p = TunnelMtuPolicy.forSa(c, "Tunnel1", "172.31.249.1");
    assertEquals(TunnelMtuPolicy.forTunnel(c, tunnel), p, "a tunnel's SA takes the tunnel's policy");
    return p;
  }

  @Test
  void theTunnelsIpMtuIsThePolicysInnerLimitAndTheSourceInterfacesMtuTheOuter() {
    assertEquals(new TunnelMtuPolicy(DfBit.COPY, Fragmentation.BEFORE_ENCRYPTION, 1500, 1400),
        policy(null, 1400, DfBit.COPY));
    assertEquals(new TunnelMtuPolicy(DfBit.SET, Fragmentation.BEFORE_ENCRYPTION, 1200, 0), policy(1200, null,
        DfBit.SET), "without ip mtu the inner limit follows from the egress MTU, as for a crypto map interface");
  }

  @Test
  void aDfPacketAboveTheTunnelsIpMtuIsDroppedWithFragmentationNeededNamingIt() throws Exception {
    TunnelHarness h = new TunnelHarness();
    h.policy(policy(null, 1400, DfBit.COPY));
    byte[] inner = TunnelHarness.inner(1450, true);
    assertEquals(List.of(), h.send(inner));
    assertEquals(List.of(), h.receivedAtB());
    assertEquals(1, h.stats().dfDrops);
    assertEquals(1, h.icmp.size());
    byte[] m = h.icmp.getFirst().message();
    assertEquals(3, m[0]);
    assertEquals(4, m[1]);
    assertEquals(1400, (m[6] & 0xFF) << 8 | m[7] & 0xFF, "next-hop MTU = the tunnel's ip mtu");
  }

  @Test
  void aPacketAboveTheTunnelsIpMtuIsFragmentedBeforeEncryptionToIt() throws Exception {
    TunnelHarness h = new TunnelHarness();
    h.policy(policy(null, 1400, DfBit.COPY));
    byte[] inner = TunnelHarness.inner(1450, false);
    List<TunnelHarness.Outer> sent = h.send(inner);
    assertEquals(2, sent.size(), "one ESP packet per inner fragment");
    List<byte[]> atB = h.receivedAtB();
    assertEquals(2, atB.size());
    for (byte[] f : atB) {
      assertTrue(f.length <= 1400, "each inner fragment fits the tunnel's ip mtu: " + f.length);
    }
    assertArrayEquals(Arrays.copyOfRange(inner, 20, inner.length), PreFragmentationTableTest.reassemble(atB));
    assertEquals(1, h.stats().fragmentedBeforeEncryption);
  }

  @Test
  void aPacketWithinTheTunnelsIpMtuGoesWholeEvenWithDf() throws Exception {
    TunnelHarness h = new TunnelHarness();
    h.policy(policy(null, 1400, DfBit.COPY));
    byte[] inner = TunnelHarness.inner(1400, true);
    List<TunnelHarness.Outer> sent = h.send(inner);
    assertEquals(1, sent.size());
    assertTrue(sent.getFirst().df(), "df-bit copy");
    assertArrayEquals(inner, h.receivedAtB().getFirst());
    assertEquals(0, h.stats().dfDrops + h.stats().fragmentedBeforeEncryption + h.stats().fragmentedAfterEncryption);
  }

  @Test
  void anIpMtuAboveTheEgressMtuFragmentsAfterEncryption() throws Exception {
    TunnelHarness h = new TunnelHarness();
    h.policy(policy(1200, 1400, DfBit.COPY));
    byte[] inner = TunnelHarness.inner(1300, true);
    List<TunnelHarness.Outer> sent = h.send(inner);
    assertEquals(1, sent.size(), "within the tunnel's ip mtu: whole");
    assertTrue(28 + sent.getFirst().esp().length > 1200, "an ESP packet above the egress MTU");
    assertFalse(sent.getFirst().df(), "DF clear, so the IP layer fragments it after encryption");
    assertArrayEquals(inner, h.receivedAtB().getFirst());
    assertEquals(1, h.stats().fragmentedAfterEncryption);

    byte[] big = TunnelHarness.inner(2000, false);
    List<TunnelHarness.Outer> pieces = h.send(big);
    assertEquals(2, pieces.size(), "cut to the tunnel's ip mtu first");
    assertFalse(pieces.getFirst().df(), "a 1400-byte piece exceeds the egress MTU: fragmented after encryption");
    assertArrayEquals(Arrays.copyOfRange(big, 20, big.length), PreFragmentationTableTest.reassemble(h.receivedAtB()));
  }

  /**
   * {@code interface Gi1 / ipv6 address 2001:db8:249::1/64} and {@code interface Tunnel6 / ipv6 mtu TUNNEL / tunnel
   * source Gi1 / tunnel mode ipsec ipv6 …}, with an {@code ip mtu} on the tunnel that must not count (IPv4's).
   */
  static TunnelMtuPolicy policy6(Integer tunnelIpv6Mtu) {
    InterfaceConfig gi1 = InterfaceConfig.named("Gi1").withIpv6("2001:db8:249::1/64", null);
    InterfaceConfig tunnel = new InterfaceConfig("Tunnel6", null, null, 1300, null, null, null, null,
        new TunnelSettings("Gi1", "2001:db8:249::2", TunnelMode.IPSEC_IPV6, "P")).withIpv6("fd00:16::1/64", null)
        .withIpv6Mtu(tunnelIpv6Mtu);
    GatewayConfig e = GatewayConfig.empty();
    GatewayConfig c = GatewayConfig.builder().sa(e.sa()).interfaces(List.of(gi1, tunnel)).build();
    TunnelMtuPolicy p = TunnelMtuPolicy.forSa(c, "Tunnel6", "2001:db8:249::1");
    assertEquals(TunnelMtuPolicy.forTunnel(c, tunnel), p, "an IPv6 tunnel's SA takes the tunnel's policy");
    return p;
  }

  @Test
  void anIpv6TunnelsIpv6MtuIsItsInnerLimitNotItsIpMtu() {
    assertEquals(new TunnelMtuPolicy(DfBit.COPY, Fragmentation.BEFORE_ENCRYPTION, 1500, 1400), policy6(1400));
    assertEquals(0, policy6(null).tunnelIpMtu(), "ip mtu applies to IPv4 packets, which this tunnel does not carry");
  }

  @Test
  void anIpv6PacketAboveTheTunnelsIpv6MtuGetsPacketTooBigNamingIt() throws Exception {
    TunnelHarness h = new TunnelHarness("2001:db8:249::1", "2001:db8:249::2");
    h.policy(policy6(1400));
    assertEquals(1, h.send(TunnelHarness.inner6(1400)).size(), "at the ipv6 mtu: whole");
    assertTrue(h.icmp6.isEmpty());
    assertTrue(h.send(TunnelHarness.inner6(1401)).isEmpty(), "above it: dropped (RFC 8200 §5, no fragmenting)");
    assertEquals(1, h.icmp6.size());
    assertEquals(2, h.icmp6.getFirst().message()[0], "ICMPv6 Packet Too Big (RFC 4443 §3.2)");
    assertEquals(1400, java.nio.ByteBuffer.wrap(h.icmp6.getFirst().message(), 4, 4).getInt(), "MTU = ipv6 mtu");
  }
}
