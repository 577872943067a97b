package io.ipsecmesh.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.esp.replay.ReplayWindow;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.esp.EspNextHeader;
import io.ipsecmesh.proto.sa.EspTransform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scapy (python3-scapy, {@code scapy.layers.ipsec.SecurityAssociation}) as the independent ESP
 * implementation: every packet our {@link EspSaCrypto#seal} produces must decrypt in scapy to the
 * same inner packet, and every packet scapy encrypts must {@link EspSaCrypto#open} here — for every
 * transform, tunnel mode (inner IPv4 and IPv6) and transport mode (IPv4 and IPv6), with and without
 * UDP encapsulation (scapy's {@code nat_t_header}), with and without ESN. Tampered ICVs must be
 * refused by both sides and replays by ours (scapy has no anti-replay window). The script is
 * scapy/esp_oracle.py; skipped when {@code /usr/bin/python3} has no scapy.
 */
class EspScapyOracleTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final long PYTHON_TIMEOUT_SECONDS = 60;
  private static final String[] MODES = {"tunnel4", "tunnel6", "transport4", "transport6"};
  private static final HexFormat HEX = HexFormat.of();

  @TempDir static Path work;

  record Case(int id, EspTransform transform, byte[] keyMaterial, int spi, boolean esn, long seq64,
      String mode, boolean natt, byte[] inner, byte[] javaEsp) {
    boolean tunnel() {
      return mode.startsWith("tunnel");
    }

    int innerIpHeaderBytes() {
      return inner[0] >> 4 == 4 ? 20 : 40;
    }

    /** What ESP carries: the whole inner packet in tunnel mode, the segment after the IP header in transport. */
    byte[] espPayload() {
      return tunnel() ? inner : Arrays.copyOfRange(inner, innerIpHeaderBytes(), inner.length);
    }

    int nextHeader() {
      if (tunnel()) {
        return inner[0] >> 4 == 4 ? EspNextHeader.IPV4 : EspNextHeader.IPV6;
      }
      return EspNextHeader.UDP;
    }
  }

  private static final List<Case> CASES = new ArrayList<>();
  private static final Map<Integer, String[]> RESULTS = new HashMap<>();

  @BeforeAll
  static void sealWithJavaAndRunScapy() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " missing: scapy oracle skipped");
    Process probe = new ProcessBuilder(PYTHON, "-c", "import scapy.layers.ipsec").redirectErrorStream(true).start();
    boolean done = probe.waitFor(30, TimeUnit.SECONDS);
    assumeTrue(done && probe.exitValue() == 0,
        "python3-scapy not installed for " + PYTHON + " (apt-get install -y --no-install-recommends python3-scapy): scapy oracle skipped");

    Random rnd = new Random(4303);
    int id = 0;
    StringBuilder tsv = new StringBuilder();
    for (EspTransform t : EspTransform.values()) {
      for (String mode : MODES) {
        for (boolean natt : new boolean[] {false, true}) {
          for (boolean esn : new boolean[] {false, true}) {
            byte[] km = new byte[t.keyMaterialBytes()];
            rnd.nextBytes(km);
            int spi = 0x1000 + id;
            long seq = esn ? (3L << 32) + 7 + id : 1000 + id;
            byte[] inner = innerPacket(mode, 1 + rnd.nextInt(300), rnd);
            Case c = new Case(id++, t, km, spi, esn, seq, mode, natt, inner, null);
            EspSaCrypto out = EspSaCrypto.create(t, km, spi, esn);
            byte[] payload = c.espPayload();
            byte[] buf = new byte[out.sealedLength(payload.length)];
            System.arraycopy(payload, 0, buf, out.headroom(), payload.length);
            int len = out.seal(seq, buf, out.headroom(), payload.length, c.nextHeader());
            assertEquals(buf.length, len);
            c = new Case(c.id, t, km, spi, esn, seq, mode, natt, inner, buf);
            CASES.add(c);
            tsv.append(tsvLine(c)).append('\n');
          }
        }
      }
    }
    Files.writeString(work.resolve("cases.tsv"), tsv);
    Path script = work.resolve("esp_oracle.py");
    try (InputStream in = EspScapyOracleTest.class.getResourceAsStream("/scapy/esp_oracle.py")) {
      Files.write(script, in.readAllBytes());
    }
    Path log = work.resolve("python.log");
    Process py = new ProcessBuilder(PYTHON, script.toString(), work.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!py.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      py.destroyForcibly();
      throw new AssertionError("scapy oracle took more than " + PYTHON_TIMEOUT_SECONDS + " s");
    }
    assertEquals(0, py.exitValue(), () -> "scapy oracle failed:\n" + readQuietly(log));
    for (String line : Files.readAllLines(work.resolve("results.tsv"), StandardCharsets.US_ASCII)) {
      String[] f = line.split("\t");
      RESULTS.put(Integer.parseInt(f[0]), f);
    }
    assertEquals(CASES.size(), RESULTS.size(), "a result per case");
  }

  private static String tsvLine(Case c) {
    EspTransform t = c.transform;
    byte[] enc = Arrays.copyOfRange(c.keyMaterial, 0, t.encKeyBytes);
    byte[] integ = Arrays.copyOfRange(c.keyMaterial, t.encKeyBytes, t.keyMaterialBytes());
    return String.join("\t", String.valueOf(c.id), scapyCrypt(t), scapyAuth(t), HEX.formatHex(enc),
        HEX.formatHex(integ), Integer.toUnsignedString(c.spi), c.esn ? "1" : "0", Long.toString(c.seq64),
        c.mode, c.natt ? "1" : "0", HEX.formatHex(c.inner), HEX.formatHex(c.javaEsp));
  }

  private static String scapyCrypt(EspTransform t) {
    return switch (t) {
      case AES_GCM_128, AES_GCM_256 -> "AES-GCM";
      case CHACHA20_POLY1305 -> "CHACHA20-POLY1305";
      case TDES_CBC_HMAC_SHA1_96, TDES_CBC_HMAC_MD5_96 -> "3DES";
      case DES_CBC_HMAC_SHA1_96, DES_CBC_HMAC_MD5_96 -> "DES";
      default -> "AES-CBC";
    };
  }

  private static String scapyAuth(EspTransform t) {
    if (t.aead) {
      return "NULL";
    }
    return switch (t.integKeyBytes) {
      case 16 -> "HMAC-MD5-96";
      case 20 -> "HMAC-SHA1-96";
      case 32 -> "SHA2-256-128";
      case 48 -> "SHA2-384-192";
      default -> "SHA2-512-256";
    };
  }

  /** An IPv4 or IPv6 packet carrying a UDP datagram of random bytes, checksums left 0. */
  private static byte[] innerPacket(String mode, int dataLen, Random rnd) {
    boolean v4 = mode.endsWith("4");
    int ipLen = v4 ? 20 : 40;
    byte[] p = new byte[ipLen + 8 + dataLen];
    rnd.nextBytes(p);
    if (v4) {
      p[0] = 0x45;
      p[1] = 0;
      p[2] = (byte) (p.length >> 8);
      p[3] = (byte) p.length;
      p[6] = 0x40; // DF, no fragment offset
      p[7] = 0;
      p[8] = 64;
      p[9] = 17;
      p[10] = 0;
      p[11] = 0;
      int sum = 0;
      for (int i = 0; i < 20; i += 2) {
        sum += (p[i] & 0xFF) << 8 | p[i + 1] & 0xFF;
      }
      sum = (sum & 0xFFFF) + (sum >>> 16);
      sum = ~((sum & 0xFFFF) + (sum >>> 16));
      p[10] = (byte) (sum >> 8);
      p[11] = (byte) sum;
    } else {
      p[0] = 0x60;
      p[1] = 0;
      p[2] = 0;
      p[3] = 0;
      int plen = p.length - 40;
      p[4] = (byte) (plen >> 8);
      p[5] = (byte) plen;
      p[6] = 17;
      p[7] = 64;
    }
    int udpLen = 8 + dataLen;
    p[ipLen + 4] = (byte) (udpLen >> 8);
    p[ipLen + 5] = (byte) udpLen;
    p[ipLen + 6] = 0;
    p[ipLen + 7] = 0;
    return p;
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static String describe(Case c) {
    return "case " + c.id + " " + c.transform + " " + c.mode + (c.natt ? " natt" : "") + (c.esn ? " esn" : "");
  }

  @Test
  void scapyDecryptsEveryPacketWeSealed() {
    for (Case c : CASES) {
      assertEquals("ok", RESULTS.get(c.id)[1], describe(c));
    }
  }

  @Test
  void scapyRefusesOurPacketsWithAFlippedIcvOrCiphertextBit() {
    for (Case c : CASES) {
      assertEquals("rejected", RESULTS.get(c.id)[2], describe(c));
    }
  }

  @Test
  void weOpenEveryPacketScapyEncryptedAndRefuseItsReplayAndForgery() {
    for (Case c : CASES) {
      String hex = RESULTS.get(c.id)[3];
      assertTrue(!hex.startsWith("FAIL"), () -> describe(c) + ": scapy could not encrypt: " + hex);
      byte[] esp = HEX.parseHex(hex);
      EspSaCrypto in = EspSaCrypto.create(c.transform, c.keyMaterial, c.spi, c.esn);
      ReplayWindow window = new ReplayWindow(64, c.esn);
      if (c.esn) {
        window.update(c.seq64 - 1); // the receiver already authenticated this SA's predecessor packet
      }

      byte[] forged = esp.clone();
      forged[forged.length - 1 - c.id % 8] ^= 0x10;
      long seq = window.checkAndInferSeq((int) EspHeader.readSeqLow(forged, 0));
      assertEquals(c.seq64, seq, describe(c));
      assertEquals(EspSaCrypto.ICV_FAIL, in.open(forged, 0, forged.length, seq), describe(c));

      int len = in.open(esp, 0, esp.length, seq);
      assertTrue(len >= 0, () -> describe(c) + ": " + EspSaCrypto.errorName(len));
      window.update(seq);
      byte[] expected = c.espPayload();
      assertArrayEquals(expected, Arrays.copyOfRange(esp, in.plaintextOffset(0), in.plaintextOffset(0) + len), describe(c));
      assertEquals(c.nextHeader(), in.lastNextHeader(), describe(c));
      assertEquals(ReplayWindow.REJECT, window.checkAndInferSeq((int) EspHeader.readSeqLow(esp, 0)), "replay: " + describe(c));
    }
  }

  @Test
  void coversTheWholeMatrix() {
    assertEquals(EspTransform.values().length * MODES.length * 2 * 2, CASES.size());
  }
}
