package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
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
   * The seed's pre-fragmentation chapter for IPv6: a 1500-byte IPv6 packet (ping6 -s 1452) does not fit in one ESP
   * packet of a 1500-byte WAN, and IPv6 is never fragmented on the path (RFC 8200 §5), so the gateway drops it and
   * answers ICMPv6 Packet Too Big (RFC 4443 §3.2) with the largest inner packet that fits; the source then fragments
   * itself and the same ping crosses.
   */
  @Test
  @Order(3)
  void tooBigIpv6PacketIsAnsweredWithPacketTooBigAndThenCrosses() throws Exception {
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
