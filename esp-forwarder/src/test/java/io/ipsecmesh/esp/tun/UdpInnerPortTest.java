package io.ipsecmesh.esp.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.io.PacketBuffer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UdpInnerPortTest {

  @Test
  void datagramsAreInnerPacketsBothWays() throws Exception {
    try (DatagramSocket lan = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      lan.setSoTimeout(5000);
      UdpInnerPort port = UdpInnerPort.open("127.0.0.1:0", "127.0.0.1:" + lan.getLocalPort());
      try {
        LinkedBlockingQueue<byte[]> read = new LinkedBlockingQueue<>();
        port.start((buf, off, len) -> read.add(Arrays.copyOfRange(buf.array(), off, off + len)));
        byte[] packet = {0x45, 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        InetSocketAddress to = port.localAddress();
        lan.send(new DatagramPacket(packet, packet.length, to));
        byte[] got = read.poll(5, TimeUnit.SECONDS);
        assertNotNull(got, "the inner packet reached the handler");
        assertArrayEquals(packet, got);

        PacketBuffer out = new PacketBuffer();
        System.arraycopy(packet, 0, out.array(), PacketBuffer.HEADROOM, packet.length);
        assertTrue(port.write(out, PacketBuffer.HEADROOM, packet.length));
        DatagramPacket back = new DatagramPacket(new byte[100], 100);
        lan.receive(back);
        assertEquals(packet.length, back.getLength());
        assertArrayEquals(packet, Arrays.copyOf(back.getData(), back.getLength()));
      } finally {
        port.close();
      }
    }
  }

  @Test
  void endpointsMustBeHostAndPort() {
    assertThrows(IllegalArgumentException.class, () -> UdpInnerPort.open("127.0.0.1", "127.0.0.1:9"));
    assertThrows(IllegalArgumentException.class, () -> UdpInnerPort.open("127.0.0.1:0", null));
  }
}
