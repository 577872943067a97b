package io.ipsecmesh.esp.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal classic-libpcap reader for the strongSwan captures: Ethernet, IPv4, UDP. Yields the UDP
 * payloads with their ports; anything else in the file is skipped.
 */
record CapturedUdpPayloads(List<Datagram> datagrams) {
  record Datagram(int srcPort, int dstPort, byte[] payload) {}

  static CapturedUdpPayloads read(String resource) {
    byte[] file;
    try (InputStream in = CapturedUdpPayloads.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + resource);
      }
      file = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer b = ByteBuffer.wrap(file);
    int magic = b.getInt(0);
    if (magic == 0xd4c3b2a1) {
      b.order(ByteOrder.LITTLE_ENDIAN);
    } else if (magic != 0xa1b2c3d4) {
      throw new IllegalArgumentException(resource + " is not classic pcap");
    }
    if (b.getInt(20) != 1) {
      throw new IllegalArgumentException(resource + " is not Ethernet");
    }
    List<Datagram> out = new ArrayList<>();
    int pos = 24;
    while (pos + 16 <= file.length) {
      int caplen = b.getInt(pos + 8);
      int frame = pos + 16;
      pos = frame + caplen;
      int etherType = (file[frame + 12] & 0xFF) << 8 | file[frame + 13] & 0xFF;
      int ip = frame + 14;
      if (etherType != 0x0800 || (file[ip] & 0xF0) != 0x40 || file[ip + 9] != 17) {
        continue;
      }
      int udp = ip + (file[ip] & 0x0F) * 4;
      int srcPort = (file[udp] & 0xFF) << 8 | file[udp + 1] & 0xFF;
      int dstPort = (file[udp + 2] & 0xFF) << 8 | file[udp + 3] & 0xFF;
      int udpLen = (file[udp + 4] & 0xFF) << 8 | file[udp + 5] & 0xFF;
      out.add(new Datagram(srcPort, dstPort, Arrays.copyOfRange(file, udp + 8, udp + udpLen)));
    }
    return new CapturedUdpPayloads(out);
  }
}
