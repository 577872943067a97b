package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.testsupport.Capture;
import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Two forwarders whose LANs are dual-stack (10.91.2x.0/24 and fd91:2x::/64), each family with its own crypto map
 * and manual SA pair to the one peer, so IPv6 crosses the tunnel as IPv4 does: ping6 and (inherited) ping and
 * iperf3, which runs TCP over IPv6 here. The WAN family is the subclass's.
 */
abstract class DualStackNetnsTest extends TwoGatewayNetnsTest {

  @Override
  boolean dualStack() {
    return true;
  }

  @Override
  String iperfHost() {
    return HOST_B6;
  }

  @Test
  @Order(0)
  void ping6CrossesTheTunnel() throws Exception {
    Sh.Result r = Netns.ping(lana, HOST_B6, 3, 2, "-6");
    assertTrue(r.ok() && r.output().contains("3 received"), "ping6 through the tunnel failed: " + r.output() + "\n"
        + logs());
  }

  /**
   * A ping6 on gateway A's WAN, as tcpdump sees it: ESP with the IPv6 crypto map's SPI (0x3003), from A's WAN address
   * (the SA's local address, by IPV6_PKTINFO or IP_PKTINFO) to B's; over an IPv6 WAN in UDP 4500 with a computed
   * checksum (RFC 8200 §8.1; zero is IPv4's, RFC 3948 §2.1) or as next header 50; over an IPv4 WAN in UDP 4500.
   */
  @Test
  @Order(5)
  void theOuterPacketsAreOfTheWansFamily() throws Exception {
    assumeTrue(Sh.have("tcpdump") && Sh.have("tshark"), "needs tcpdump and tshark");
    boolean v6 = wanA().indexOf(':') >= 0;
    List<String[]> rows;
    try (Capture wan = new Capture(Sh.runDirectory("dualstack-capture"), gwa, "wan0", v6 ? "ip6" : "ip")) {
      Sh.Result r = Netns.ping(lana, HOST_B6, 2, 2, "-6");
      assertTrue(r.ok(), r.output());
      rows = wan.rows(v6 ? "ipv6.src" : "ip.src", v6 ? "ipv6.dst" : "ip.dst", v6 ? "ipv6.nxt" : "ip.proto",
          "udp.dstport", "udp.checksum", "esp.spi");
    }
    List<String[]> esp = rows.stream().filter(f -> f.length == 6 && !f[5].isEmpty()
        && Long.decode(f[5]) == ManualKeyConfigs.SPI6_A_TO_B).toList();
    assertTrue(esp.size() >= 2, "ESP of the IPv6 map's SA from A: " + rows.stream().map(f -> String.join(" ", f))
        .toList());
    for (String[] f : esp) {
      assertEquals(wanA(), f[0], "from the SA's local address");
      assertEquals(wanB(), f[1]);
      if (raw()) {
        assertEquals("50", f[2], "ESP as the next header");
      } else {
        assertEquals("17", f[2]);
        assertEquals("4500", f[3]);
        if (v6) {
          assertFalse(Long.decode(f[4]) == 0, "UDP over IPv6 has a checksum");
        }
      }
    }
  }

  /**
   * The crypto access check on clear-text packets holds the IPv6 crypto map's line, in nftables' own words: clear
   * IPv6 from LAN B's prefix to LAN A's arriving on the WAN is dropped and counted.
   */
  @Test
  @Order(4)
  void theAccessCheckHasTheIpv6MapsLine() throws Exception {
    Sh.Result nft = Sh.run(10, Sh.inNs(gwa, "nft", "list", "table", "inet", "ipsecmesh_access").toArray(String[]::new));
    assertTrue(nft.ok() && nft.output().contains("ip6 saddr fd91:22::/64 ip6 daddr fd91:21::/64"),
        nft.output());
  }

  /**
   * The seed's pre-fragmentation chapter for IPv6: a 1500-byte IPv6 packet (ping6 -s 1452) does not fit in one ESP
   * packet of a 1500-byte WAN, and IPv6 is never fragmented on the path (RFC 8200 §5), so the gateway drops it and
   * answers ICMPv6 Packet Too Big (RFC 4443 §3.2) with the largest inner packet that fits; the source then fragments
   * itself and the same ping crosses.
   */
  @Test
  @Order(3)
  void tooBigIpv6PacketIsAnsweredWithPacketTooBigAndThenCrosses() throws Exception {
    // forget what earlier tests taught the host (iperf3's full-size segments met the same Packet Too Big)
    Sh.run(10, Sh.inNs(lana, "ip", "-6", "route", "flush", "cache").toArray(String[]::new));
    Sh.Result dropped = Netns.ping(lana, HOST_B6, 1, 2, "-6", "-s", "1452", "-M", "do");
    String mtu = "mtu=" + expectedInnerMtu();
    assertTrue(dropped.output().contains("Packet too big") && dropped.output().contains(mtu),
        "expected ICMPv6 Packet Too Big with " + mtu + ": " + dropped.output() + "\n" + logs());
    Sh.Result crosses = Netns.ping(lana, HOST_B6, 3, 3, "-6", "-s", "1452");
    assertTrue(crosses.output().contains(" 0% packet loss") || crosses.output().matches("(?s).*[123] received.*"),
        "a 1500-byte ping6 fragmented by its source after the Packet Too Big: " + crosses.output());
  }

  /**
   * The inner MTU of a 1500-byte WAN for AES-256-CBC + HMAC-SHA-256-128 (RFC 4303 §2): outer IPv6 40 or IPv4 20, UDP
   * 8 unless raw, ESP header 8, IV 16, ICV 16; the payload plus the 2 trailer bytes padded to 16.
   */
  int expectedInnerMtu() {
    int outer = (wanA().indexOf(':') >= 0 ? 40 : 20) + (raw() ? 0 : 8);
    int room = 1500 - outer - 8 - 16 - 16;
    return room / 16 * 16 - 2;
  }
}
