package io.ipsecmesh.esp.ezvpn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.spd.FlowKey;
import io.ipsecmesh.esp.spd.InnerPacketParser;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Client mode's PAT: the inside host 10.91.1.10 leaves as the Mode Config address 10.99.0.1 and the answer finds
 * its way back, TCP/UDP ports and ICMP echo identifiers mapped, every checksum still valid (checked by summing the
 * whole packet, not by the same incremental formula).
 */
class ClientModePatTest {

  private static final int[] HOST = {10, 91, 1, 10};
  private static final int[] HOST2 = {10, 91, 1, 11};
  private static final int[] SERVER = {10, 91, 2, 10};
  private static final int[] ASSIGNED = {10, 99, 0, 1};

  private long now = 1;
  private final ClientModePat pat = new ClientModePat("10.99.0.1", () -> now);
  private final FlowKey flow = new FlowKey();

  private boolean out(byte[] p) {
    assertTrue(InnerPacketParser.parse(p, 0, p.length, flow));
    return pat.outbound(p, 0, p.length, flow);
  }

  private boolean in(byte[] p) {
    assertTrue(InnerPacketParser.parse(p, 0, p.length, flow));
    return pat.inbound(p, 0, p.length, flow);
  }

  @Test
  void anIcmpEchoLeavesAsTheAssignedAddressAndItsReplyReturnsToTheHost() {
    byte[] echo = Packets.icmp4(HOST, SERVER, 8, 0x1234, 7);
    assertTrue(out(echo));
    assertArrayEquals(new byte[] {10, 99, 0, 1}, slice(echo, 12, 4));
    int id = u16(echo, 24);
    assertTrue(id >= ClientModePat.PORT_BASE, "the identifier is a translated one");
    assertValid(echo);
    assertEquals(0x0A630001L, flow.srcLo & 0xFFFF_FFFFL, "the flow now selects the Child SA's address");

    byte[] reply = Packets.icmp4(SERVER, ASSIGNED, 0, id, 7);
    assertTrue(in(reply));
    assertArrayEquals(new byte[] {10, 91, 1, 10}, slice(reply, 16, 4));
    assertEquals(0x1234, u16(reply, 24), "the host's own identifier");
    assertValid(reply);
    assertEquals(1, pat.translatedOut);
    assertEquals(1, pat.translatedIn);
  }

  @Test
  void udpAndTcpPortsOfTwoHostsWithTheSameSourcePortGetTwoMappings() {
    byte[] a = Packets.udp4(HOST, SERVER, 40000, 53, 20);
    setUdpChecksum(a);
    byte[] b = Packets.udp4(HOST2, SERVER, 40000, 53, 20);
    setUdpChecksum(b);
    assertTrue(out(a));
    assertTrue(out(b));
    int pa = u16(a, 20);
    int pb = u16(b, 20);
    assertTrue(pa != pb);
    assertValid(a);
    assertValid(b);
    byte[] again = Packets.udp4(HOST, SERVER, 40000, 53, 20);
    assertTrue(out(again));
    assertEquals(pa, u16(again, 20), "the same flow keeps its mapping");

    byte[] replyB = Packets.udp4(SERVER, ASSIGNED, 53, pb, 20);
    setUdpChecksum(replyB);
    assertTrue(in(replyB));
    assertArrayEquals(new byte[] {10, 91, 1, 11}, slice(replyB, 16, 4));
    assertEquals(40000, u16(replyB, 22));
    assertValid(replyB);

    byte[] syn = tcp(HOST, SERVER, 51000, 80);
    assertTrue(out(syn));
    assertValid(syn);
    byte[] synAck = tcp(SERVER, ASSIGNED, 80, u16(syn, 20));
    assertTrue(in(synAck));
    assertEquals(51000, u16(synAck, 22));
    assertValid(synAck);
  }

  @Test
  void whatCannotBeMappedIsDroppedAndCounted() {
    byte[] unknown = Packets.udp4(SERVER, ASSIGNED, 53, ClientModePat.PORT_BASE + 5, 8);
    assertFalse(in(unknown), "a return packet to a port nobody opened");
    assertEquals(1, pat.noMapping);
    byte[] low = Packets.udp4(SERVER, ASSIGNED, 53, 1000, 8);
    assertFalse(in(low));
    assertEquals(2, pat.noMapping);
    byte[] gre = Packets.udp4(HOST, SERVER, 1, 2, 8);
    gre[9] = 47;
    Packets.fixIpv4Checksum(gre);
    assertFalse(out(gre));
    byte[] fragment = Packets.udp4(HOST, SERVER, 1, 2, 8);
    fragment[6] = 0x20; // more fragments
    Packets.fixIpv4Checksum(fragment);
    assertFalse(out(fragment));
    assertEquals(2, pat.unmappable);
    byte[] passThrough = Packets.udp4(SERVER, HOST, 53, 40000, 8);
    assertTrue(in(passThrough), "not to the assigned address: not the translation's");
    assertArrayEquals(Packets.udp4(SERVER, HOST, 53, 40000, 8), passThrough);
  }

  @Test
  void aFullNeighbourhoodDropsNewFlowsUntilAMappingHasBeenIdleLongEnough() {
    int sent = 0;
    for (int port = 1; pat.tableFull == 0 && port < 65536; port++) {
      assertTrue(out(Packets.udp4(HOST, SERVER, port, 53, 1)) || pat.tableFull == 1);
      sent++;
    }
    assertEquals(1, pat.tableFull, "after " + sent + " flows some hash neighbourhood is full");
    now += ClientModePat.IDLE_NANOS + 1;
    assertTrue(out(Packets.udp4(HOST, SERVER, 65535, 53, 1)), "an idle mapping is taken over");
  }

  @Test
  void translatingAllocatesNothing() {
    byte[] echo = Packets.icmp4(HOST, SERVER, 8, 0x1234, 56);
    byte[] copy = echo.clone();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 10_000; i++) { // warm up
      System.arraycopy(copy, 0, echo, 0, copy.length);
      InnerPacketParser.parse(echo, 0, echo.length, flow);
      pat.outbound(echo, 0, echo.length, flow);
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      System.arraycopy(copy, 0, echo, 0, copy.length);
      InnerPacketParser.parse(echo, 0, echo.length, flow);
      pat.outbound(echo, 0, echo.length, flow);
    }
    assertEquals(0, threads.getCurrentThreadAllocatedBytes() - before);
  }

  @Test
  void incrementalChecksumMatchesRfc1624Example() {
    // RFC 1624 §4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000
    assertEquals(0x0000, ClientModePat.adjust16(0xDD2F, 0x5555, 0x3285));
  }

  // ---------------------------------------------------------------------------------------------- packets

  static byte[] tcp(int[] src, int[] dst, int sport, int dport) {
    byte[] p = Packets.udp4(src, dst, sport, dport, 12);
    p[9] = 6;
    Packets.fixIpv4Checksum(p);
    java.util.Arrays.fill(p, 24, 40, (byte) 0);
    p[32] = 0x50; // data offset 5
    p[33] = 0x02; // SYN
    transportChecksum(p, 36);
    return p;
  }

  static void setUdpChecksum(byte[] p) {
    p[26] = 0;
    p[27] = 0;
    transportChecksum(p, 26);
  }

  private static void transportChecksum(byte[] p, int at) {
    p[at] = 0;
    p[at + 1] = 0;
    int c = pseudoSum(p);
    p[at] = (byte) (c >>> 8);
    p[at + 1] = (byte) c;
  }

  /** The one's complement sum of pseudo-header and segment, complemented: 0 for a valid segment. */
  private static int pseudoSum(byte[] p) {
    int l4 = p.length - 20;
    byte[] b = new byte[12 + l4];
    System.arraycopy(p, 12, b, 0, 8);
    b[9] = p[9];
    b[10] = (byte) (l4 >>> 8);
    b[11] = (byte) l4;
    System.arraycopy(p, 20, b, 12, l4);
    return Packets.checksum(b, 0, b.length);
  }

  static void assertValid(byte[] p) {
    assertEquals(0, Packets.checksum(p, 0, 20), "IPv4 header checksum");
    switch (p[9]) {
      case 1 -> assertEquals(0, Packets.checksum(p, 20, p.length - 20), "ICMP checksum");
      case 6, 17 -> assertEquals(0, pseudoSum(p), "TCP/UDP checksum");
      default -> { }
    }
  }

  private static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) << 8 | b[off + 1] & 0xFF;
  }

  private static byte[] slice(byte[] b, int off, int len) {
    return java.util.Arrays.copyOfRange(b, off, off + len);
  }
}
