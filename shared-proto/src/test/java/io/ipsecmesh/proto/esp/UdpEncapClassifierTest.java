package io.ipsecmesh.proto.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UdpEncapClassifierTest {
  private static UdpEncapKind classify(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    return UdpEncapClassifier.classify(b, 0, b.length);
  }

  @Test
  void natKeepaliveIsTheSingleByteFF() {
    assertEquals(UdpEncapKind.NAT_KEEPALIVE, classify("ff"));
    assertEquals(UdpEncapKind.INVALID, classify("00"));
    assertEquals(UdpEncapKind.INVALID, classify(""));
    assertEquals(UdpEncapKind.INVALID, classify("ff00"), "keepalive is exactly one byte");
  }

  @Test
  void nonEspMarkerIntroducesIke() {
    String ikeHeader = "0011223344556677" + "0000000000000000" + "2e202308" + "00000001" + "0000001c";
    assertEquals(UdpEncapKind.IKE, classify("00000000" + ikeHeader));
    assertEquals(UdpEncapKind.INVALID, classify("00000000" + ikeHeader.substring(2)), "marker + truncated IKE header");
    assertEquals(UdpEncapKind.INVALID, classify("0000000000000001"));
  }

  /** What ike-service's port-4500 sockets hand to IKE: the message without the marker, or nothing. */
  @Test
  void theIkeMessageIsWhatFollowsTheMarkerAndNothingElseIsOne() {
    String ikeHeader = "0011223344556677" + "0000000000000000" + "2e202308" + "00000001" + "0000001c";
    byte[] withMarker = HexFormat.of().parseHex("00000000" + ikeHeader + "abcd");
    assertArrayEquals(HexFormat.of().parseHex(ikeHeader + "abcd"), UdpEncapClassifier.ikeMessage(withMarker));
    for (String notIke : new String[] {"ff", "", "00000000" + ikeHeader.substring(2), "2b79cc32" + "00000001",
        "01000000" + ikeHeader}) {
      assertNull(UdpEncapClassifier.ikeMessage(HexFormat.of().parseHex(notIke)), notIke);
    }
  }

  @Test
  void espStartsWithAWireSpi() {
    assertEquals(UdpEncapKind.ESP, classify("2b79cc32" + "00000001"));
    assertEquals(UdpEncapKind.ESP, classify("ffffffff" + "00000001" + "aabb"));
    assertEquals(UdpEncapKind.INVALID, classify("000000ff" + "00000001"), "reserved SPI 1..255");
    assertEquals(UdpEncapKind.INVALID, classify("2b79cc32" + "000000"), "shorter than SPI + sequence");
  }

  @Test
  void classifiesASliceOfALargerBuffer() {
    byte[] b = HexFormat.of().parseHex("ffff2b79cc3200000001ff");
    assertEquals(UdpEncapKind.ESP, UdpEncapClassifier.classify(b, 2, 8));
    assertEquals(UdpEncapKind.NAT_KEEPALIVE, UdpEncapClassifier.classify(b, 10, 1));
  }

  @Test
  void randomTruncatedAndBitFlippedInputOnlyYieldsAKind() {
    Random rnd = new Random(1);
    byte[] buf = new byte[128];
    for (int i = 0; i < 200_000; i++) {
      int len = rnd.nextInt(buf.length + 1);
      int off = rnd.nextInt(buf.length - len + 1);
      if (rnd.nextInt(4) == 0) {
        java.util.Arrays.fill(buf, off, Math.min(buf.length, off + 4), (byte) 0);
      } else {
        rnd.nextBytes(buf);
      }
      if (len > 0 && rnd.nextBoolean()) {
        buf[off + rnd.nextInt(len)] ^= (byte) (1 << rnd.nextInt(8));
      }
      assertNotNull(UdpEncapClassifier.classify(buf, off, len));
    }
  }
}
