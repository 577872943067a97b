package io.ipsecmesh.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.replay.ReplayWindow;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.esp.EspNextHeader;
import io.ipsecmesh.proto.esp.UdpEncapClassifier;
import io.ipsecmesh.proto.esp.UdpEncapKind;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.testing.Pcap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known answers from real traffic: every ESP-in-UDP packet that strongSwan 5.9.8 (kernel-libipsec)
 * sent in the captures of scapy/strongswan/README.md must open with the SA keys its save-keys
 * plugin wrote, and must carry the ICMP echo of the capture (10.91.1.10 ↔ 10.91.2.10, tunnel mode).
 */
class StrongswanCaptureKatTest {
  private static final String DIR = "/scapy/strongswan/";

  record Sa(EspTransform transform, byte[] keyMaterial) {}

  static Map<Integer, Sa> readEspSa(String name) throws IOException {
    Map<Integer, Sa> sas = new HashMap<>();
    try (InputStream in = StrongswanCaptureKatTest.class.getResourceAsStream(DIR + name + ".esp_sa")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.replace("\"", "").split(",");
        int spi = Integer.parseUnsignedInt(f[3].substring(2), 16);
        byte[] enc = HexFormat.of().parseHex(f[5].substring(2));
        byte[] integ = HexFormat.of().parseHex(f[7].substring(2));
        EspTransform t = transformOf(f[4], enc.length, f[6]);
        byte[] km = new byte[enc.length + integ.length];
        System.arraycopy(enc, 0, km, 0, enc.length);
        System.arraycopy(integ, 0, km, enc.length, integ.length);
        sas.put(spi, new Sa(t, km));
      }
    }
    return sas;
  }

  private static EspTransform transformOf(String encr, int encLen, String integ) {
    if (encr.startsWith("AES-GCM")) {
      return encLen == 20 ? EspTransform.AES_GCM_128 : EspTransform.AES_GCM_256;
    }
    if (encr.startsWith("AES-CBC") && integ.startsWith("HMAC-SHA-256-128")) {
      return encLen == 16 ? EspTransform.AES_CBC_128_HMAC_SHA256_128 : EspTransform.AES_CBC_256_HMAC_SHA256_128;
    }
    throw new IllegalArgumentException("no transform for " + encr + " / " + integ);
  }

  @ParameterizedTest
  @CsvSource({"ikev2-psk-gcm-dpd, 6", "ikev2-psk-cbc, 6", "ikev1-psk-main-dpd, 6", "ikev2-natt-keepalive, 6"})
  void everyCapturedEspPacketOpensToTheCapturedPing(String name, int expectedEsp) throws IOException {
    Map<Integer, Sa> sas = readEspSa(name);
    Map<Integer, EspSaCrypto> inbound = new HashMap<>();
    Map<Integer, ReplayWindow> windows = new HashMap<>();
    sas.forEach((spi, sa) -> {
      inbound.put(spi, EspSaCrypto.create(sa.transform(), sa.keyMaterial(), spi, false));
      windows.put(spi, new ReplayWindow(64, false));
    });
    int opened = 0;
    for (Pcap.Udp d : Pcap.read(StrongswanCaptureKatTest.class, DIR + name + ".pcap")) {
      byte[] p = d.payload();
      boolean on4500 = d.srcPort() == UdpEncapClassifier.PORT || d.dstPort() == UdpEncapClassifier.PORT;
      if (!on4500 || UdpEncapClassifier.classify(p, 0, p.length) != UdpEncapKind.ESP) {
        continue;
      }
      int spi = EspHeader.readSpi(p, 0);
      EspSaCrypto sa = inbound.get(spi);
      ReplayWindow window = windows.get(spi);
      long seq = window.checkAndInferSeq((int) EspHeader.readSeqLow(p, 0));
      assertTrue(seq > 0, "fresh sequence number");

      byte[] forged = p.clone();
      forged[forged.length - 1] ^= 0x40;
      assertEquals(EspSaCrypto.ICV_FAIL, sa.open(forged, 0, forged.length, seq));

      int len = sa.open(p, 0, p.length, seq);
      assertTrue(len > 0, () -> name + ": " + EspSaCrypto.errorName(len));
      window.update(seq);
      assertEquals(ReplayWindow.REJECT, window.checkAndInferSeq((int) seq), "captured packet replayed");
      assertEquals(EspNextHeader.IPV4, sa.lastNextHeader(), "tunnel mode, inner IPv4");
      int ip = sa.plaintextOffset(0);
      assertEquals(0x45, p[ip] & 0xFF);
      assertEquals(len, (p[ip + 2] & 0xFF) << 8 | p[ip + 3] & 0xFF, "inner total length = plaintext length");
      assertEquals(84, len, "ICMP echo with 56 data bytes");
      assertEquals(1, p[ip + 9], "ICMP");
      byte[] addrs = {10, 91, 1, 10, 10, 91, 2, 10};
      byte[] got = java.util.Arrays.copyOfRange(p, ip + 12, ip + 20);
      boolean request = p[ip + 20] == 8;
      assertArrayEquals(request ? addrs : new byte[] {10, 91, 2, 10, 10, 91, 1, 10}, got);
      opened++;
    }
    assertEquals(expectedEsp, opened, "ESP packets in " + name);
  }

  @Test
  void natKeepalivesAndIkeOn4500AreClassifiedFromTheNatCapture() {
    int keepalives = 0;
    int ike = 0;
    for (Pcap.Udp d : Pcap.read(StrongswanCaptureKatTest.class, DIR + "ikev2-natt-keepalive.pcap")) {
      if (d.dstPort() != 4500 && d.srcPort() != 4500) {
        continue;
      }
      UdpEncapKind kind = UdpEncapClassifier.classify(d.payload(), 0, d.payload().length);
      keepalives += kind == UdpEncapKind.NAT_KEEPALIVE ? 1 : 0;
      ike += kind == UdpEncapKind.IKE ? 1 : 0;
    }
    assertEquals(2, keepalives, "README: two keepalives, 5 s apart");
    assertEquals(2, ike, "IKE_AUTH request and response floated to 4500");
  }
}
