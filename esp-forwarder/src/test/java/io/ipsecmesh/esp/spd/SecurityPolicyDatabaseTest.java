package io.ipsecmesh.esp.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.PortMatch;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityPolicyDatabaseTest {

  private static AccessListEntry line(AccessListEntry.Action a, String proto, AddressMatch src, AddressMatch dst,
      PortMatch dport) {
    return new AccessListEntry(a, proto, src, null, dst, dport, null);
  }

  private static CryptoMapEntry map(int seq, String acl) {
    return new CryptoMapEntry("VPN", seq, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("192.0.2.1"), List.of("GCM"),
        SaSettings.INHERIT, null, acl, null, null, null);
  }

  private static FlowKey flow(int[] src, int[] dst, int dport) {
    FlowKey k = new FlowKey();
    byte[] p = Packets.udp4(src, dst, 1234, dport, 4);
    assertTrue(InnerPacketParser.parse(p, 0, p.length, k));
    return k;
  }

  /** Seq 10: deny udp to 10.2.0.9 port 53, permit 10.1/16 -> 10.2/16. Seq 20: permit host 10.1.0.5 -> any. */
  private final SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(ManualKeyConfigs.withMaps(
      List.of(map(20, "102"), map(10, "101")),
      List.of(
          new AccessList("101", true, List.of(
              AccessListEntry.remark("bypass DNS"),
              line(AccessListEntry.Action.DENY, "udp", AddressMatch.ANY, AddressMatch.host("10.2.0.9"),
                  new PortMatch(PortMatch.Operator.EQ, 53, 53)),
              line(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("10.1.0.0", "0.0.255.255"),
                  new AddressMatch("10.2.0.0", "0.0.255.255"), null))),
          new AccessList("102", true, List.of(
              line(AccessListEntry.Action.PERMIT, "ip", AddressMatch.host("10.1.0.5"), AddressMatch.ANY, null)))),
      "192.0.2.2"));

  @Test
  void entriesAreSearchedInSequenceOrder() {
    assertEquals(10, spd.lookup(flow(new int[] {10, 1, 0, 5}, new int[] {10, 2, 3, 4}, 80)).sequence());
    assertEquals(20, spd.lookup(flow(new int[] {10, 1, 0, 5}, new int[] {10, 3, 3, 4}, 80)).sequence());
  }

  @Test
  void denyLineBypassesEvenWhenALaterEntryWouldProtect() {
    assertNull(spd.lookup(flow(new int[] {10, 1, 0, 5}, new int[] {10, 2, 0, 9}, 53)));
    assertEquals(10, spd.lookup(flow(new int[] {10, 1, 0, 5}, new int[] {10, 2, 0, 9}, 54)).sequence());
  }

  @Test
  void noMatchMeansClear() {
    assertNull(spd.lookup(flow(new int[] {10, 9, 0, 5}, new int[] {10, 2, 0, 1}, 80)));
  }

  @Test
  void manualEntryChecksInboundPacketsAgainstTheMirroredAcl() {
    SpdEntry e = spd.entry("VPN", 10);
    FlowKey back = flow(new int[] {10, 2, 3, 4}, new int[] {10, 1, 0, 5}, 80);
    assertTrue(e.coversInbound(back));
    assertFalse(e.coversOutbound(back));
    assertEquals("10.2.3.4", back.sourceText(), "the check leaves the flow as it was");
  }

  @Test
  void negotiatedSelectorsAreRangesWithProtocolAndPorts() {
    RangeSelectors s = new RangeSelectors(List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.255.255")),
        List.of(new TrafficSelector("10.2.0.0", "10.2.0.255", 17, 53, 53)));
    assertTrue(s.coversOutbound(flow(new int[] {10, 1, 7, 7}, new int[] {10, 2, 0, 8}, 53)));
    assertFalse(s.coversOutbound(flow(new int[] {10, 1, 7, 7}, new int[] {10, 2, 0, 8}, 54)));
    assertFalse(s.coversOutbound(flow(new int[] {10, 1, 7, 7}, new int[] {10, 2, 1, 8}, 53)));
    FlowKey in = flow(new int[] {10, 2, 0, 8}, new int[] {10, 1, 7, 7}, 1234);
    in.srcPort = 53;
    assertTrue(s.coversInbound(in));
  }

  @Test
  void ipv6RangesMatchIpv6Packets() {
    RangeSelectors s = new RangeSelectors(List.of(TrafficSelector.anyPorts("2001:db8:1::", "2001:db8:1::ffff")),
        List.of(TrafficSelector.anyPorts("2001:db8:2::", "2001:db8:2::ffff")));
    byte[] src = new byte[16];
    byte[] dst = new byte[16];
    src[0] = 0x20;
    src[1] = 0x01;
    src[2] = 0x0d;
    src[3] = (byte) 0xb8;
    src[5] = 1;
    src[15] = 9;
    System.arraycopy(src, 0, dst, 0, 16);
    dst[5] = 2;
    byte[] p = Packets.udp6(src, dst, 4);
    FlowKey k = new FlowKey();
    assertTrue(InnerPacketParser.parse(p, 0, p.length, k));
    assertEquals(6, k.version);
    assertTrue(s.coversOutbound(k));
    assertFalse(s.coversInbound(k));
  }

  @Test
  void parserRejectsLiesAboutLength() {
    byte[] p = Packets.udp4(new int[] {1, 2, 3, 4}, new int[] {5, 6, 7, 8}, 1, 2, 10);
    FlowKey k = new FlowKey();
    assertFalse(InnerPacketParser.parse(p, 0, p.length - 1, k), "total length beyond the data");
    p[0] = 0x44;
    assertFalse(InnerPacketParser.parse(p, 0, p.length, k), "IHL below 5");
    assertFalse(InnerPacketParser.parse(new byte[0], 0, 0, k));
  }
}
