package io.ipsecmesh.proto.ikev1;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The strongSwan 5.9.8 IKEv1 captures copied from the shared vectors (PSK {@code
 * interop-test-psk-0123456789}, see the shared vectors README): a minimal classic-libpcap reader
 * (Ethernet, IPv4, UDP) that yields the ISAKMP messages, with the RFC 3948 non-ESP marker of port 4500
 * removed and ESP datagrams skipped. Shared with ike-service's tests through the test-jar.
 */
public final class Ikev1Vectors {

  /** One ISAKMP datagram of a capture; {@code index} is the 1-based frame number. */
  public record Frame(int index, String srcAddress, int srcPort, String dstAddress, int dstPort, byte[] message) {}

  public static final String[] CAPTURES = {"ikev1-psk-main-dpd", "ikev1-dpd-timeout"};
  public static final String PSK = "interop-test-psk-0123456789";

  private Ikev1Vectors() {}

  public static byte[] resource(String name) {
    try (InputStream in = Ikev1Vectors.class.getResourceAsStream("vectors/" + name)) {
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

  public static List<Frame> frames(String capture) {
    byte[] pcap = resource(capture + ".pcap");
    boolean le = (pcap[0] & 0xff) == 0xd4;
    List<Frame> out = new ArrayList<>();
    int pos = 24;
    int index = 0;
    while (pos + 16 <= pcap.length) {
      int caplen = (int) u32(pcap, pos + 8, le);
      int frame = pos + 16;
      pos = frame + caplen;
      index++;
      if (((pcap[frame + 12] & 0xff) << 8 | (pcap[frame + 13] & 0xff)) != 0x0800 || (pcap[frame + 23] & 0xff) != 17) {
        continue;
      }
      int ip = frame + 14;
      int udp = ip + (pcap[ip] & 0x0f) * 4;
      int sport = IsakmpCodec.getUint16(pcap, udp);
      int dport = IsakmpCodec.getUint16(pcap, udp + 2);
      byte[] payload = Arrays.copyOfRange(pcap, udp + 8, udp + IsakmpCodec.getUint16(pcap, udp + 4));
      String src = ipv4(pcap, ip + 12);
      String dst = ipv4(pcap, ip + 16);
      if (sport == 500 || dport == 500) {
        out.add(new Frame(index, src, sport, dst, dport, payload));
      } else if (payload.length >= 4 + IsakmpHeader.SIZE && IsakmpCodec.getUint32(payload, 0) == 0) {
        out.add(new Frame(index, src, sport, dst, dport, Arrays.copyOfRange(payload, 4, payload.length)));
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
    return IsakmpCodec.getUint32(b, off);
  }
}
