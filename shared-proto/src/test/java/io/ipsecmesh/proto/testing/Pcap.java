package io.ipsecmesh.proto.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal classic-libpcap reader for the strongSwan captures of the tests: Ethernet, IPv4, UDP.
 * Yields the UDP datagrams with their addresses and ports; any other frame is skipped. Shared with
 * every service's tests through shared-proto's test-jar.
 */
public final class Pcap {

  /** One UDP datagram of a capture; {@code index} is its 1-based frame number in the file. */
  public record Udp(int index, String srcAddress, int srcPort, String dstAddress, int dstPort, byte[] payload) {

    /**
     * The IKE (or ISAKMP) message this datagram carries: on port 500 the payload, on port 4500 what
     * follows the RFC 3948 §2.2 non-ESP marker if at least {@code headerSize} bytes; null for ESP, NAT
     * keepalives and anything else.
     */
    public byte[] ikeMessage(int headerSize) {
      if (srcPort == 500 || dstPort == 500) {
        return payload;
      }
      if (payload.length >= 4 + headerSize && payload[0] == 0 && payload[1] == 0 && payload[2] == 0
          && payload[3] == 0) {
        return Arrays.copyOfRange(payload, 4, payload.length);
      }
      return null;
    }
  }

  private Pcap() {}

  /** The UDP datagrams of the capture at {@code resource}, resolved as {@code anchor.getResourceAsStream} does. */
  public static List<Udp> read(Class<?> anchor, String resource) {
    return udp(resource(anchor, resource), resource);
  }

  /** The bytes of a test resource, resolved as {@code anchor.getResourceAsStream} does. */
  public static byte[] resource(Class<?> anchor, String name) {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The UDP datagrams of a classic pcap file (either byte order, link type Ethernet). */
  public static List<Udp> udp(byte[] file, String name) {
    ByteBuffer b = ByteBuffer.wrap(file);
    int magic = b.getInt(0);
    if (magic == 0xd4c3b2a1) { // a1b2c3d4 written little-endian
      b.order(ByteOrder.LITTLE_ENDIAN);
    } else if (magic != 0xa1b2c3d4) {
      throw new IllegalArgumentException(name + " is not classic pcap");
    }
    if (b.getInt(20) != 1) {
      throw new IllegalArgumentException(name + " is not Ethernet (link type " + b.getInt(20) + ")");
    }
    List<Udp> out = new ArrayList<>();
    int pos = 24;
    int index = 0;
    while (pos + 16 <= file.length) {
      int caplen = b.getInt(pos + 8);
      int frame = pos + 16;
      pos = frame + caplen;
      index++;
      int etherType = u16(file, frame + 12);
      int ip = frame + 14;
      if (etherType != 0x0800 || (file[ip] & 0xf0) != 0x40 || file[ip + 9] != 17) {
        continue;
      }
      int udp = ip + (file[ip] & 0x0f) * 4;
      out.add(new Udp(index, ipv4(file, ip + 12), u16(file, udp), ipv4(file, ip + 16), u16(file, udp + 2),
          Arrays.copyOfRange(file, udp + 8, udp + u16(file, udp + 4))));
    }
    return out;
  }

  private static int u16(byte[] b, int off) {
    return (b[off] & 0xff) << 8 | b[off + 1] & 0xff;
  }

  private static String ipv4(byte[] b, int off) {
    return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
  }
}
