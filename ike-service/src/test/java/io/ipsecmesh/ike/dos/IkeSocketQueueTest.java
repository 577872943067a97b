package io.ipsecmesh.ike.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The kernel's word on the IKE socket: bytes waiting and datagrams dropped, from {@code /proc/net/udp}. */
class IkeSocketQueueTest {

  /**
   * {@code /proc/net/udp} of a gateway: IKE on 500 with 12 KB waiting and 17 drops, UDP 4500 and a resolver socket
   * whose peer is port 500 beside it.
   */
  @Test
  void theBacklogAndTheDropsAreThoseOfTheSocketsOnThePort() {
    String udp = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          123: 00000000:01F4 00000000:0000 07 00000000:00003000 00:00000000 00000000     0        0 4242 2 0000000000000000 17
          124: 00000000:1194 00000000:0000 07 00000000:00FF0000 00:00000000 00000000     0        0 4243 2 0000000000000000 900
          125: 0100007F:A1F4 0100007F:01F4 01 00000000:00000400 00:00000000 00000000     0        0 4244 2 0000000000000000 5
        """;
    assertEquals(new IkeSocketQueue(0x3000, 17), IkeSocketQueue.parse(udp, 500),
        "port 500 only, not 4500 nor a socket whose peer is 500");
    String udp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when
           7: 00000000000000000000000000000000:01F4 00000000000000000000000000000000:0000 07 00000000:00000800 00:00000000
        """;
    assertEquals(new IkeSocketQueue(0x800, 0), IkeSocketQueue.parse(udp6, 500), "no drops column: the queue only");
    assertEquals(new IkeSocketQueue(0, 0), IkeSocketQueue.parse("garbage\n1: x:y z 07 q:r\n", 500),
        "what does not parse counts nothing");
    assertEquals(new IkeSocketQueue(0, 0), IkeSocketQueue.parse(udp.replace(" 17\n", " x17\n"), 500),
        "a line whose drops do not parse counts nothing");
  }

  @Test
  void onThisHostTheKernelsCountsAreRead() throws Exception {
    Assumptions.assumeTrue(Files.exists(Path.of("/proc/net/udp")), "Linux only");
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket c = new DatagramSocket()) {
      s.setReceiveBufferSize(4096); // the kernel's minimum: a few datagrams fill it
      assertEquals(new IkeSocketQueue(0, 0), IkeSocketQueue.of(s.getLocalPort()));
      byte[] d = new byte[200];
      for (int i = 0; i < 100; i++) {
        c.send(new DatagramPacket(d, d.length, s.getLocalSocketAddress()));
      }
      IkeSocketQueue q = IkeSocketQueue.of(s.getLocalPort());
      assertTrue(q.queuedBytes() >= 200, "unread datagrams wait: " + q);
      assertTrue(q.drops() > 0, "100 datagrams do not fit a 4 KiB buffer: " + q);
    }
  }
}
