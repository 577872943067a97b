package io.ipsecmesh.proto.ikev2;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The strongSwan 5.9.8 captures copied from the shared vectors (see
 * {@code vectors/README-strongswan-vectors.md}): a minimal classic-libpcap reader (Ethernet, IPv4,
 * UDP) that yields the IKE messages of a capture, with the non-ESP marker of port 4500 removed and
 * ESP / NAT-keepalive datagrams skipped. Shared with ike-service's tests through the test-jar.
 */
public final class StrongswanVectors {

  /** One IKE datagram of a capture. */
  public record IkeFrame(int index, String srcAddress, int srcPort, String dstAddress, int dstPort, byte[] message) {}

  public static final String[] IKEV2_CAPTURES = {"ikev2-psk-gcm-dpd", "ikev2-psk-cbc", "ikev2-natt-keepalive",
      "ikev2-dpd-timeout"};

  private StrongswanVectors() {}

  public static byte[] resource(String name) {
    try (InputStream in = StrongswanVectors.class.getResourceAsStream("vectors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test vector " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String name) {
    return new String(resource(name), StandardCharsets.UTF_8);
  }

  public static List<IkeFrame> ikeFrames(String capture) {
    byte[] pcap = resource(capture + ".pcap");
    boolean le = (pcap[0] & 0xff) == 0xd4; // a1b2c3d4 written little-endian
    int linkType = (int) u32(pcap, 20, le);
    if (linkType != 1) {
      throw new IllegalStateException("link type " + linkType);
    }
    List<IkeFrame> out = new ArrayList<>();
    int pos = 24;
    int index = 0;
    while (pos + 16 <= pcap.length) {
      int caplen = (int) u32(pcap, pos + 8, le);
      int frame = pos + 16;
      pos = frame + caplen;
      index++;
      int ethType = ((pcap[frame + 12] & 0xff) << 8) | (pcap[frame + 13] & 0xff);
      if (ethType != 0x0800) {
        continue;
      }
      int ip = frame + 14;
      int ihl = (pcap[ip] & 0x0f) * 4;
      if ((pcap[ip + 9] & 0xff) != 17) {
        continue;
      }
      String src = ipv4(pcap, ip + 12);
      String dst = ipv4(pcap, ip + 16);
      int udp = ip + ihl;
      int sport = ((pcap[udp] & 0xff) << 8) | (pcap[udp + 1] & 0xff);
      int dport = ((pcap[udp + 2] & 0xff) << 8) | (pcap[udp + 3] & 0xff);
      int ulen = ((pcap[udp + 4] & 0xff) << 8) | (pcap[udp + 5] & 0xff);
      byte[] payload = Arrays.copyOfRange(pcap, udp + 8, udp + ulen);
      if (sport == 500 || dport == 500) {
        out.add(new IkeFrame(index, src, sport, dst, dport, payload));
      } else if (payload.length >= 4 + IkeHeader.SIZE && payload[0] == 0 && payload[1] == 0 && payload[2] == 0
          && payload[3] == 0) {
        // RFC 3948 §2.2: the non-ESP marker precedes IKE on port 4500
        out.add(new IkeFrame(index, src, sport, dst, dport, Arrays.copyOfRange(payload, 4, payload.length)));
      }
    }
    return out;
  }

  private static String ipv4(byte[] b, int off) {
    return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
  }

  private static long u32(byte[] b, int off, boolean le) {
    if (le) {
      return (b[off] & 0xffL) | ((b[off + 1] & 0xffL) << 8) | ((b[off + 2] & 0xffL) << 16) | ((b[off + 3] & 0xffL) << 24);
    }
    return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8) | (b[off + 3] & 0xffL);
  }
}
