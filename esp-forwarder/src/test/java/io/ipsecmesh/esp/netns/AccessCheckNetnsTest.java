package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.testsupport.Capture;
import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crypto access check on clear-text packets, on the wire: gateway B's namespace sends a plain
 * (unencrypted) ping from its protected LAN address 10.93.2.1 to LAN host 10.93.1.10 over wan0 —
 * traffic crypto map VPN 10 says must arrive encrypted. Gateway A's forwarder has installed its
 * nftables check: the packet is dropped before the kernel routes it to the LAN, counted, and the
 * forwarder reads the count back; the same flow through the tunnel passes. Without the check the
 * kernel would have forwarded it (the control case).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessCheckNetnsTest extends DfBitNetnsTopology {

  @Override
  String kind() {
    return "ac";
  }

  @BeforeAll
  void nft() {
    assumeTrue(Sh.have("nft"), "needs nft");
  }

  @Test
  @Order(1)
  void tunnelTrafficPasses() throws Exception {
    Sh.Result r = Sh.run(15, Sh.inNs(lana, "ping", "-n", "-c", "2", "-W", "2", HOST_B).toArray(String[]::new));
    assertTrue(r.ok(), "ping through the tunnel: " + r.output() + logs());
    assertEquals(0, accessDropsA(), "ESP on wan0 and decrypted packets on the TUN are not clear-text");
  }

  @Test
  @Order(2)
  void clearTextFromTheOutsideIsDroppedAndCounted() throws Exception {
    long before = accessDropsA();
    Sh.must("ip", "-n", gwb, "route", "add", HOST_A + "/32", "via", WAN_A, "dev", "wan0");
    try {
      List<String[]> atLan;
      Sh.Result r;
      try (Capture lan = capture(lana, "eth0", "icmp")) {
        r = clearPing();
        atLan = lan.rows("ip.src", "ip.dst", "icmp.type");
      }
      assertFalse(r.ok(), "the clear-text ping must not be answered: " + r.output());
      assertTrue(atLan.stream().noneMatch(f -> f[0].equals("10.93.2.1")), "nothing reached the LAN host: "
          + atLan.stream().map(List::of).toList());
      assertEquals(2, accessDropsA() - before, "both echo requests counted");
      String nft = Sh.must(Sh.inNs(gwa, "nft", "-j", "list", "counters").toArray(String[]::new));
      assertTrue(nft.contains("\"name\": \"cleartext_0\"") && nft.contains("\"packets\": 2"), nft);
      System.out.println("clear-text ping 10.93.2.1 -> " + HOST_A + " over wan0: dropped, nft " + nft.strip());

      // control: without the forwarder's table the kernel forwards the clear-text packet to the LAN
      Sh.must(Sh.inNs(gwa, "nft", "delete", "table", "inet", "ipsecmesh_access").toArray(String[]::new));
      Sh.Result open = clearPing();
      assertTrue(open.ok(), "without the check the clear-text ping is forwarded and answered: " + open.output());
      // a new configuration version installs the check again
      policy(true, "COPY", "BEFORE_ENCRYPTION", WAN_MTU);
      // the table follows the configuration asynchronously (a worker runs nft): look until it is there
      boolean back = false;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!back && System.nanoTime() < deadline) {
        back = Sh.run(5, Sh.inNs(gwa, "nft", "list", "table", "inet", "ipsecmesh_access").toArray(String[]::new)).ok();
      }
      assertTrue(back, "the forwarder reinstalled its table");
      assertFalse(clearPing().ok(), "dropped again");
    } finally {
      Sh.run(10, Sh.inNs(gwb, "ip", "route", "del", HOST_A + "/32").toArray(String[]::new));
    }
    // the same flow through the tunnel passes (with B's clear-text route gone, B's answers are encrypted too)
    Sh.Result tunnel = Sh.run(15, Sh.inNs(lana, "ping", "-n", "-c", "1", "-W", "2", "10.93.2.1")
        .toArray(String[]::new));
    assertTrue(tunnel.ok(), "10.93.1.10 -> 10.93.2.1 through the tunnel: " + tunnel.output());
  }

  /**
   * The other direction (NatKeepaliveThroughNatTest's boot race, seen in CI on 2026-12-06): while gateway A has no
   * route of LAN B into its TUN, the kernel would send LAN A's ping out of wan0 in clear by whatever route is left.
   * The forward hook drops it into VPN 10's counter; without the table the same ping leaves in clear (the control
   * case).
   */
  @Test
  @Order(3)
  void protectedTrafficWithoutItsTunRouteIsDroppedNotSentInClear() throws Exception {
    String tunRoute = Sh.must(Sh.inNs(gwa, "ip", "route", "show", "10.93.2.0/24").toArray(String[]::new)).strip();
    assertTrue(tunRoute.contains("dev ipsec0"), "the forwarder routes LAN B into its TUN: " + tunRoute);
    Sh.must("ip", "-n", gwa, "route", "replace", "10.93.2.0/24", "via", WAN_B, "dev", "wan0");
    try {
      long before = accessDropsA();
      List<String[]> atB;
      Sh.Result r;
      try (Capture wan = capture(gwb, "wan0", "icmp")) {
        r = Netns.ping(lana, HOST_B, 2, 2);
        atB = wan.rows("ip.src", "ip.dst");
      }
      assertFalse(r.ok(), "no answer without the tunnel: " + r.output());
      assertTrue(atB.stream().noneMatch(f -> f[0].equals(HOST_A)), "nothing of LAN A on the wire in clear: "
          + atB.stream().map(List::of).toList());
      assertEquals(2, accessDropsA() - before, "both echo requests counted under VPN 10");

      // control: without the forwarder's table the kernel sends the protected ping out in clear
      Sh.must(Sh.inNs(gwa, "nft", "delete", "table", "inet", "ipsecmesh_access").toArray(String[]::new));
      try (Capture wan = capture(gwb, "wan0", "icmp")) {
        Netns.ping(lana, HOST_B, 1, 2);
        atB = wan.rows("ip.src", "ip.dst");
      }
      assertTrue(atB.stream().anyMatch(f -> f[0].equals(HOST_A)), "without the check it leaves in clear: "
          + atB.stream().map(List::of).toList());
    } finally {
      Sh.run(10, "ip", "-n", gwa, "route", "replace", "10.93.2.0/24", "dev", "ipsec0");
      // a new configuration version installs the table again
      policy(true, "COPY", "BEFORE_ENCRYPTION", WAN_MTU);
    }
    Sh.Result tunnel = Netns.ping(lana, HOST_B, 1, 3);
    assertTrue(tunnel.ok(), "through the tunnel again: " + tunnel.output());
  }

  private Sh.Result clearPing() {
    return Sh.run(15, Sh.inNs(gwb, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "-I", "10.93.2.1", HOST_A)
        .toArray(String[]::new));
  }
}
