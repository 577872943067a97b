package io.ipsecmesh.esp.frag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.spd.Ip128;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * ICMPv6 Packet Too Big (RFC 4443 §3.2) byte for byte. The known answers were made by scapy 2.5.0, an independent
 * implementation: {@code raw(IPv6(src="2001:db8:1::1", dst="2001:db8:1::10")/ICMPv6PacketTooBig(mtu=1406)/INVOKING)}
 * minus its 40-byte IPv6 header, INVOKING being
 * {@code IPv6(src="2001:db8:1::10", dst="2001:db8:2::10", hlim=64)/UDP(sport=40000, dport=5201)/PAYLOAD}.
 */
class PacketTooBigTest {

  private static final HexFormat HEX = HexFormat.of();
  /** A 64-byte invoking packet: UDP with the 16 payload bytes 00..0f. */
  private static final byte[] SMALL = HEX.parseHex("600000000018114020010db800010000000000000000001020010db800020000"
      + "00000000000000109c4014510018bb57000102030405060708090a0b0c0d0e0f");
  /** scapy's message for SMALL: type 2, code 0, checksum 0x2b4b, MTU 1406 (0x57e), the packet quoted whole. */
  private static final byte[] SMALL_PTB = HEX.parseHex("02002b4b0000057e" + HEX.formatHex(SMALL));
  private final byte[] out = new byte[PacketTooBig.MAX_LENGTH];

  private static long[] source() throws Exception {
    InetAddress a = InetAddress.getByName("2001:db8:1::1");
    return new long[] {Ip128.hi(a), Ip128.lo(a)};
  }

  @Test
  void smallPacketIsQuotedWholeWithScapysChecksum() throws Exception {
    long[] s = source();
    int n = PacketTooBig.write(out, SMALL, 0, SMALL.length, 1406, s[0], s[1]);
    assertEquals(SMALL_PTB.length, n);
    assertArrayEquals(SMALL_PTB, Arrays.copyOf(out, n));
  }

  @Test
  void aPacketInsideABufferIsReadAtItsOffset() throws Exception {
    byte[] buf = new byte[SMALL.length + 100];
    System.arraycopy(SMALL, 0, buf, 64, SMALL.length);
    long[] s = source();
    int n = PacketTooBig.write(out, buf, 64, SMALL.length, 1406, s[0], s[1]);
    assertArrayEquals(SMALL_PTB, Arrays.copyOf(out, n));
  }

  /**
   * RFC 4443 §3.2: "As much of invoking packet as possible without the ICMPv6 packet exceeding the minimum IPv6
   * MTU": 1280 - 40 - 8 = 1232 bytes of a 1500-byte packet; scapy's checksum of that message is 0xc8e2.
   */
  @Test
  void largePacketIsCutSoTheMessageFitsTheMinimumMtu() throws Exception {
    // scapy's 1500-byte invoking packet: the same header with payload length 1460, UDP checksum 0x7c20, and the
    // 1452 payload bytes i & 0xff
    byte[] big = new byte[1500];
    System.arraycopy(HEX.parseHex("6000000005b4114020010db800010000000000000000001020010db800020000"
        + "00000000000000109c40145105b47c20"), 0, big, 0, 48);
    for (int i = 0; i < 1452; i++) {
      big[48 + i] = (byte) i;
    }
    long[] s = source();
    int n = PacketTooBig.write(out, big, 0, big.length, 1406, s[0], s[1]);
    assertEquals(1240, n, "8 + 1232: the ICMPv6 packet with its IPv6 header is exactly 1280");
    assertEquals("020000000000057e", HEX.formatHex(out, 0, 2) + "0000" + HEX.formatHex(out, 4, 8));
    assertArrayEquals(Arrays.copyOf(big, 1232), Arrays.copyOfRange(out, 8, n));
    assertEquals("c8e2", HEX.formatHex(out, 2, 4), "scapy's checksum");
  }

  @Test
  void theChecksumVerifiesOverThePseudoHeader() throws Exception {
    long[] s = source();
    int n = PacketTooBig.write(out, SMALL, 0, SMALL.length, 1280, s[0], s[1]);
    // RFC 8200 §8.1 / RFC 4443 §2.3: summing the pseudo-header and the message with its checksum gives 0xffff
    byte[] pseudo = new byte[40 + n];
    System.arraycopy(HEX.parseHex("20010db8000100000000000000000001"), 0, pseudo, 0, 16);
    System.arraycopy(SMALL, 8, pseudo, 16, 16);
    pseudo[34] = (byte) (n >>> 8);
    pseudo[35] = (byte) n;
    pseudo[39] = 58;
    System.arraycopy(out, 0, pseudo, 40, n);
    assertEquals(0, io.ipsecmesh.esp.Packets.checksum(pseudo, 0, pseudo.length));
  }

  @Test
  void noMessageAboutUnspecifiedOrMulticastSourcesOrNonIpv6() throws Exception {
    byte[] p = SMALL.clone();
    Arrays.fill(p, 8, 24, (byte) 0);
    assertEquals(-1, PacketTooBig.write(out, p, 0, p.length, 1280, 0, 0), "source :: (RFC 4443 §2.4 (e))");
    p = SMALL.clone();
    p[8] = (byte) 0xff;
    assertEquals(-1, PacketTooBig.write(out, p, 0, p.length, 1280, 0, 0), "multicast source");
    p = SMALL.clone();
    p[0] = 0x45;
    assertEquals(-1, PacketTooBig.write(out, p, 0, p.length, 1280, 0, 0), "IPv4");
    assertEquals(-1, PacketTooBig.write(out, SMALL, 0, 39, 1280, 0, 0), "shorter than an IPv6 header");
  }
}
