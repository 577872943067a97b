package io.ipsecmesh.esp.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.PortMatch;
import io.ipsecmesh.proto.config.SaSettings;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SPD with {@code ipv6 access-list} lines ({@code ipv6 crypto map}), and the IPv6 selector fields of inner
 * packets (RFC 4301 §4.4.1.1), extension headers included (RFC 8200 §4).
 */
class Ipv6SpdTest {

  private static final byte[] A = addr("2001:db8:1::10");
  private static final byte[] B = addr("2001:db8:2::10");

  private static byte[] addr(String s) {
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static AccessListEntry line(AccessListEntry.Action a, String proto, AddressMatch src, AddressMatch dst,
      PortMatch dport) {
    return new AccessListEntry(a, proto, src, null, dst, dport, null);
  }

  /** An IPv6 packet: the 40-byte header, then {@code rest} (extension headers and upper layer). */
  static byte[] ipv6(byte[] src, byte[] dst, int nextHeader, String restHex) {
    byte[] rest = HexFormat.of().parseHex(restHex);
    byte[] p = new byte[40 + rest.length];
    p[0] = 0x60;
    p[4] = (byte) (rest.length >>> 8);
    p[5] = (byte) rest.length;
    p[6] = (byte) nextHeader;
    p[7] = 64;
    System.arraycopy(src, 0, p, 8, 16);
    System.arraycopy(dst, 0, p, 24, 16);
    System.arraycopy(rest, 0, p, 40, rest.length);
    return p;
  }

  private static FlowKey parse(byte[] p) {
    FlowKey k = new FlowKey();
    assertTrue(InnerPacketParser.parse(p, 0, p.length, k));
    return k;
  }

  /** TCP 40000 -> 443 (ports only; the rest of the TCP header is not read). */
  private static final String TCP_443 = "9c4001bb000000000000000050000000";

  /**
   * ipv6 access-list LAN6: deny tcp any host 2001:db8:2::10 eq 443, permit ipv6 2001:db8:1::/64 2001:db8:2::/48;
   * access-list 101 permit ip any any (an IPv4 ACL in map VPN, seq 5, which must never match IPv6).
   */
  private final SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(config());

  private static GatewayConfig config() {
    AccessList v6 = new AccessList("LAN6", false, List.of(
        line(AccessListEntry.Action.DENY, "tcp", AddressMatch.ANY6, AddressMatch.host("2001:db8:2::10"),
            new PortMatch(PortMatch.Operator.EQ, 443, 443)),
        line(AccessListEntry.Action.PERMIT, "ipv6", AddressMatch.ipv6Prefix("2001:db8:1::/64"),
            AddressMatch.ipv6Prefix("2001:db8:2::/48"), null)), true);
    AccessList v4 = new AccessList("101", true, List.of(
        line(AccessListEntry.Action.PERMIT, "ip", AddressMatch.ANY, AddressMatch.ANY, null)));
    CryptoMapEntry e4 = new CryptoMapEntry("VPN", 5, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("2001:db8:ff::2"),
        List.of("CBC"), SaSettings.INHERIT, null, "101", null, null, null);
    CryptoMapEntry e6 = new CryptoMapEntry("VPN6", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("2001:db8:ff::2"),
        List.of("CBC"), SaSettings.INHERIT, null, "LAN6", null, null, null);
    GatewayConfig c = ManualKeyConfigs.withMaps(List.of(e4, e6), List.of(v4, v6), "192.0.2.1");
    var wan = c.interfaces().get(0).withIpv6("2001:db8:ff::1/64", "VPN6");
    return c.toBuilder().interfaces(List.of(wan)).build();
  }

  @Test
  void ipv6CryptoMapProtectsByPrefixAndAnIpv4AnyNeverMatchesIpv6() {
    SpdEntry e = spd.lookup(parse(ipv6(A, B, 17, "9c4014510008ffff")));
    assertEquals("VPN6", e.mapName(), "the IPv4 'permit ip any any' of seq 5 is skipped for IPv6");
    assertNull(spd.lookup(parse(ipv6(A, addr("2001:db9::1"), 17, "9c4014510008ffff"))), "outside /48: clear");
    assertNull(spd.lookup(parse(ipv6(addr("2001:db8:1:1::1"), B, 17, "9c4014510008ffff"))), "outside /64");
  }

  @Test
  void ipv6DenyLineWithPortBypasses() {
    assertNull(spd.lookup(parse(ipv6(A, B, 6, TCP_443))));
    assertEquals("VPN6", spd.lookup(parse(ipv6(A, addr("2001:db8:2::11"), 6, TCP_443))).mapName());
  }

  @Test
  void ipv6AnyNeverMatchesIpv4() {
    AclRule any6 = AclRule.compile(line(AccessListEntry.Action.PERMIT, "ipv6", AddressMatch.ANY6, AddressMatch.ANY6,
        null));
    byte[] p4 = io.ipsecmesh.esp.Packets.udp4(new int[] {10, 0, 0, 1}, new int[] {10, 0, 0, 2}, 1, 2, 4);
    assertFalse(any6.matches(parse(p4)));
    assertTrue(any6.matches(parse(ipv6(A, B, 17, "9c4014510008ffff"))));
    assertEquals(6, any6.version());
  }

  @Test
  void icmpInAnIpv6AccessListIsIcmpv6() {
    AclRule icmp = AclRule.compile(line(AccessListEntry.Action.PERMIT, "icmp", AddressMatch.ANY6, AddressMatch.ANY6,
        null));
    assertTrue(icmp.matches(parse(ipv6(A, B, 58, "8000000000010001"))), "echo request, next header 58");
    assertFalse(icmp.matches(parse(ipv6(A, B, 1, "0800000000010001"))), "protocol 1 in IPv6 is not ICMPv6");
  }

  @Test
  void aLineMixingFamiliesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> AclRule.compile(line(AccessListEntry.Action.PERMIT, "ip",
        AddressMatch.host("10.0.0.1"), AddressMatch.ipv6Prefix("2001:db8::/32"), null)));
  }

  @Test
  void manualIpv6EntryChecksInboundAgainstTheMirroredAcl() {
    SpdEntry e = spd.entry("VPN6", 10);
    assertTrue(e.coversInbound(parse(ipv6(B, A, 17, "14519c400008ffff"))));
    assertFalse(e.coversOutbound(parse(ipv6(B, A, 17, "14519c400008ffff"))));
  }

  /** Addresses in logs and bus records are written as configurations write them (RFC 5952 §4). */
  @Test
  void addressesAreFormattedTheRfc5952Way() throws Exception {
    for (String[] c : new String[][] {{"2001:db8:0:0:0:0:0:1", "2001:db8::1"}, {"0:0:0:0:0:0:0:0", "::"},
        {"0:0:0:0:0:0:0:1", "::1"}, {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"}, {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
        {"FE80:0:0:0:0:0:0:0", "fe80::"}, {"2001:DB8:AAAA:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"},
        {"10.1.2.3", "10.1.2.3"}}) {
      InetAddress a = InetAddress.getByName(c[0]);
      assertEquals(c[1], Ip128.text(a), c[0]);
    }
  }

  // --- the parser: RFC 8200 §4 extension headers before the upper layer

  @Test
  void portsAreFoundBehindHopByHopAndDestinationOptions() {
    // hop-by-hop (next 60, length 0 = 8 bytes: PadN) then destination options (next 6, 8 bytes) then TCP
    FlowKey k = parse(ipv6(A, B, 0, "3c00010400000000" + "0600010400000000" + TCP_443));
    assertEquals(6, k.protocol);
    assertEquals(40000, k.srcPort);
    assertEquals(443, k.dstPort);
    assertNull(spd.lookup(k), "the deny tcp … eq 443 line sees the port behind the options");
  }

  @Test
  void firstFragmentHasPortsLaterFragmentsAreOpaque() {
    FlowKey first = parse(ipv6(A, B, 44, "0600000100000001" + TCP_443));
    assertEquals(6, first.protocol);
    assertEquals(443, first.dstPort);
    // offset 185 (1480 bytes): RFC 4301 §4.4.1.1, ports are OPAQUE in a non-initial fragment
    FlowKey later = parse(ipv6(A, B, 44, "060005c800000001" + TCP_443));
    assertEquals(6, later.protocol);
    assertEquals(0, later.srcPort);
    assertEquals(0, later.dstPort);
  }

  @Test
  void malformedExtensionChainsAreRefused() {
    FlowKey k = new FlowKey();
    byte[] beyond = ipv6(A, B, 0, "3c05000000000000"); // hop-by-hop claims 48 bytes, 8 are there
    assertFalse(InnerPacketParser.parse(beyond, 0, beyond.length, k));
    byte[] truncated = ipv6(A, B, 60, "0600"); // fewer than 8 bytes of a destination options header
    assertFalse(InnerPacketParser.parse(truncated, 0, truncated.length, k));
    StringBuilder chain = new StringBuilder();
    for (int i = 0; i < InnerPacketParser.MAX_EXTENSION_HEADERS + 1; i++) {
      chain.append("3c00010400000000"); // destination options, each naming another one
    }
    byte[] endless = ipv6(A, B, 60, chain.toString());
    assertFalse(InnerPacketParser.parse(endless, 0, endless.length, k), "more headers than the cap");
    byte[] lying = ipv6(A, B, 17, "9c4014510008ffff");
    lying[5] = 9; // payload length beyond the data
    assertFalse(InnerPacketParser.parse(lying, 0, lying.length, k));
  }

  /**
   * Mutated IPv6 packets (random bytes in the header, the extension-header lengths and next headers, random
   * lengths): the parser answers true or false, never throws, never reads past the length it was given.
   */
  @Test
  void mutatedIpv6PacketsNeverThrow() {
    java.util.Random r = new java.util.Random(6);
    byte[] base = ipv6(A, B, 0, "3c00010400000000" + "2c00000000000000" + "0600000100000001" + TCP_443);
    FlowKey k = new FlowKey();
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      byte[] p = base.clone();
      for (int m = r.nextInt(4); m >= 0; m--) {
        p[r.nextInt(p.length)] = (byte) r.nextInt(256);
      }
      int len = r.nextInt(p.length + 1);
      // the packet ends where the array ends: a read past len would throw, and fail the test
      byte[] buf = new byte[16 + len];
      System.arraycopy(p, 0, buf, 16, len);
      if (InnerPacketParser.parse(buf, 16, len, k)) {
        accepted++;
        assertTrue(k.version == 4 || k.version == 6);
      }
    }
    assertTrue(accepted > 0, "some mutations stay well-formed");
  }
}
