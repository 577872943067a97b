package io.ipsecmesh.esp.frag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two data planes back to back, dual-stack LANs: IPv6 inner packets through IPv6 and IPv4 outer headers and IPv4
 * through IPv6, each on its own crypto map's SA; and pre-fragmentation for IPv6 (the seed's "Pre-Fragmentation for
 * IPsec VPNs" with RFC 8200 §5): an IPv6 packet that does not fit is dropped and answered with ICMPv6 Packet Too
 * Big naming the inner MTU that fits, whatever df-bit and fragmentation say, never below 1280.
 */
class Ipv6TunnelTest {

  private static final String WAN_A6 = "fd31:249::1";
  private static final String WAN_B6 = "fd31:249::2";

  /**
   * The largest inner packet of a 1500-byte WAN for AES-256-CBC + HMAC-SHA-256-128 (RFC 4303 §2): outer header
   * (IPv6 40 or IPv4 20) + UDP 8 + ESP 8 + IV 16 + ICV 16, the payload and its 2 trailer bytes padded to 16.
   */
  private static int innerMtu(int outerIp) {
    return (1500 - outerIp - 8 - 8 - 16 - 16) / 16 * 16 - 2;
  }

  @Test
  void ipv6InIpv6CrossesOnTheIpv6MapsSa() throws Exception {
    TunnelHarness h = new TunnelHarness(WAN_A6, WAN_B6);
    byte[] p = TunnelHarness.inner6(200);
    List<TunnelHarness.Outer> out = h.send(p);
    assertEquals(1, out.size());
    assertEquals(1, h.aPair("VPN6").outbound().encaps());
    assertEquals(0, h.aPair("VPN").outbound().encaps());
    List<byte[]> got = h.receivedAtB();
    assertEquals(1, got.size());
    assertArrayEquals(p, got.get(0));
  }

  @Test
  void ipv4InIpv6AndIpv6InIpv4Cross() throws Exception {
    TunnelHarness v6wan = new TunnelHarness(WAN_A6, WAN_B6);
    byte[] p4 = TunnelHarness.inner(300, true);
    v6wan.send(p4);
    assertEquals(1, v6wan.aPair("VPN").outbound().encaps(), "IPv4 inner on the IPv4 map's SA to an IPv6 peer");
    assertArrayEquals(p4, v6wan.receivedAtB().get(0));

    TunnelHarness v4wan = new TunnelHarness("172.31.249.1", "172.31.249.2");
    byte[] p6 = TunnelHarness.inner6(300);
    v4wan.send(p6);
    assertEquals(1, v4wan.aPair("VPN6").outbound().encaps(), "IPv6 inner to an IPv4 peer");
    assertArrayEquals(p6, v4wan.receivedAtB().get(0));
  }

  @Test
  void anIpv6PacketThatFitsExactlyCrossesAndOneByteMoreIsTooBig() throws Exception {
    TunnelHarness h = new TunnelHarness(WAN_A6, WAN_B6);
    int mtu = innerMtu(40);
    assertEquals(1406, mtu);
    assertEquals(1, h.send(TunnelHarness.inner6(mtu)).size());
    assertEquals(1, h.receivedAtB().size());
    assertTrue(h.icmp6.isEmpty());

    byte[] big = TunnelHarness.inner6(mtu + 1);
    assertTrue(h.send(big).isEmpty(), "dropped, not fragmented: IPv6 has no fragmentation on the path");
    assertTrue(h.receivedAtB().isEmpty());
    assertEquals(1, h.icmp6.size());
    TunnelHarness.Icmp6 ptb = h.icmp6.get(0);
    assertEquals(2, ptb.message()[0], "type 2, Packet Too Big (RFC 4443 §3.2)");
    assertEquals(0, ptb.message()[1]);
    assertEquals(mtu, java.nio.ByteBuffer.wrap(ptb.message(), 4, 4).getInt(), "the MTU that fits");
    assertEquals(io.ipsecmesh.esp.spd.Ip128.readLong(big, 8), ptb.dstHi(), "to the inner source");
    assertEquals(io.ipsecmesh.esp.spd.Ip128.readLong(big, 16), ptb.dstLo());
    assertArrayEquals(java.util.Arrays.copyOf(big, ptb.message().length - 8),
        java.util.Arrays.copyOfRange(ptb.message(), 8, ptb.message().length), "the invoking packet quoted");
    assertEquals(1, h.stats().packetTooBigDrops);
    assertEquals(1, h.stats().packetTooBigSent);
  }

  @Test
  void overAnIpv4WanTheIpv4OuterHeaderGivesTheMtu() throws Exception {
    TunnelHarness h = new TunnelHarness("172.31.249.1", "172.31.249.2");
    h.send(TunnelHarness.inner6(innerMtu(20) + 1));
    assertEquals(innerMtu(20), java.nio.ByteBuffer.wrap(h.icmp6.get(0).message(), 4, 4).getInt());
    assertEquals(1422, innerMtu(20));
  }

  /** df-bit clear and after-encryption would let an IPv4 packet through fragmented: not an IPv6 one. */
  @Test
  void dfBitAndFragmentationSettingsDoNotApplyToIpv6() throws Exception {
    for (Fragmentation f : Fragmentation.values()) {
      TunnelHarness h = new TunnelHarness(WAN_A6, WAN_B6);
      h.policy(new TunnelMtuPolicy(DfBit.CLEAR, f, 1500));
      assertTrue(h.send(TunnelHarness.inner6(1500)).isEmpty(), f.toString());
      assertEquals(1, h.icmp6.size(), f.toString());
    }
  }

  /**
   * RFC 8200 §5: every link carries 1280-byte packets; a tunnel whose inner MTU is smaller fragments the ESP
   * packet below (after encryption) for packets up to 1280, and announces 1280 for bigger ones.
   */
  @Test
  void belowTheIpv6MinimumMtuPacketsUpTo1280AreCarriedFragmentedAfterEncryption() throws Exception {
    TunnelHarness h = new TunnelHarness(WAN_A6, WAN_B6);
    h.policy(new TunnelMtuPolicy(DfBit.COPY, Fragmentation.BEFORE_ENCRYPTION, 1200));
    assertEquals(1, h.send(TunnelHarness.inner6(1280)).size());
    assertEquals(1, h.stats().fragmentedAfterEncryption);
    assertEquals(1, h.receivedAtB().size());
    assertTrue(h.icmp6.isEmpty());
    assertTrue(h.send(TunnelHarness.inner6(1281)).isEmpty());
    assertEquals(1280, java.nio.ByteBuffer.wrap(h.icmp6.get(0).message(), 4, 4).getInt());
  }

  @Test
  void noPacketTooBigAboutAnIcmpv6Error() throws Exception {
    TunnelHarness h = new TunnelHarness(WAN_A6, WAN_B6);
    byte[] p = TunnelHarness.inner6(1500);
    p[6] = 58; // ICMPv6
    p[40] = 1; // destination unreachable: an error message (RFC 4443 §2.1, types below 128)
    assertTrue(h.send(p).isEmpty());
    assertTrue(h.icmp6.isEmpty(), "RFC 4443 §2.4 (e.1)");
    assertEquals(1, h.stats().packetTooBigDrops);
  }

  @Test
  void malformedIpv6InnerPacketsAreCountedNotSent() throws Exception {
    TunnelHarness h = new TunnelHarness(WAN_A6, WAN_B6);
    byte[] p = TunnelHarness.inner6(100);
    p[6] = 0; // hop-by-hop options claiming more than the packet holds
    p[41] = 20;
    assertTrue(h.send(p).isEmpty());
    assertEquals(1, h.aStats().innerMalformed());
  }
}
