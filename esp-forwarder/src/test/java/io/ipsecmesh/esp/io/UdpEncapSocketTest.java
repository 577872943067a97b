package io.ipsecmesh.esp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 3948 on a real epoll socket bound to 127.0.0.1 (no root needed): classification and the three ways out. */
class UdpEncapSocketTest {

  private final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<byte[]> payloads = new LinkedBlockingQueue<>();
  private EventLoopGroup group;
  private UdpEncapSocket socket;
  private DatagramSocket peer;

  @BeforeEach
  void bind() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    socket = new UdpEncapSocket(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new Recorder(),
        false, false);
    socket.bind();
    peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    peer.setSoTimeout(5000);
  }

  @AfterEach
  void close() {
    socket.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    peer.close();
  }

  private void fromPeer(byte[] data) throws Exception {
    peer.send(new DatagramPacket(data, data.length, socket.localAddress()));
  }

  private byte[] atPeer() throws Exception {
    byte[] b = new byte[4096];
    DatagramPacket p = new DatagramPacket(b, b.length);
    peer.receive(p);
    return Arrays.copyOf(b, p.getLength());
  }

  @Test
  void withCapNetAdminTheReceiveBufferIsWhatTheSocketAsksForWhateverRmemMaxSays() throws Exception {
    assumeTrue(capNetAdmin(), "SO_RCVBUFFORCE needs CAP_NET_ADMIN (run as root)");
    // the kernel doubles the request for its bookkeeping; net.core.rmem_max (4 MiB on this machine kind) is no cap
    assertEquals(2 * SocketBuffers.BYTES, socket.receiveBufferBytes());
  }

  /** CAP_NET_ADMIN (bit 12) in this process's effective capabilities. */
  private static boolean capNetAdmin() throws Exception {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 12)) != 0;
      }
    }
    return false;
  }

  @Test
  void ikeAfterTheNonEspMarkerIsPuntedWithoutTheMarker() throws Exception {
    byte[] ike = new byte[36];
    ike[0] = 0x11;
    ike[17] = 0x20;
    byte[] wire = new byte[4 + ike.length];
    System.arraycopy(ike, 0, wire, 4, ike.length);
    fromPeer(wire);
    assertEquals("ike " + peer.getLocalPort(), events.poll(5, TimeUnit.SECONDS));
    assertArrayEquals(ike, payloads.poll());
  }

  @Test
  void natKeepaliveIsRecognised() throws Exception {
    fromPeer(new byte[] {(byte) 0xFF});
    assertEquals("keepalive", events.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void espIsHandedOnWithItsSpiFirst() throws Exception {
    byte[] esp = {0, 0, 0x10, 0x01, 0, 0, 0, 1, 9, 9, 9, 9};
    fromPeer(esp);
    assertEquals("esp", events.poll(5, TimeUnit.SECONDS));
    assertArrayEquals(esp, payloads.poll());
  }

  @Test
  void reservedSpiAndShortDatagramsAreMalformed() throws Exception {
    fromPeer(new byte[] {0, 0, 0, 1, 0, 0, 0, 1});
    fromPeer(new byte[] {1, 2, 3});
    assertEquals("malformed", events.poll(5, TimeUnit.SECONDS));
    assertEquals("malformed", events.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void ikeGoesOutWithTheMarker() throws Exception {
    byte[] ike = {1, 2, 3, 4, 5};
    socket.sendIke(ike, (InetSocketAddress) peer.getLocalSocketAddress());
    assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 2, 3, 4, 5}, atPeer());
  }

  @Test
  void keepaliveIsOneFfByte() throws Exception {
    socket.sendKeepalive((InetSocketAddress) peer.getLocalSocketAddress());
    assertArrayEquals(new byte[] {(byte) 0xFF}, atPeer());
  }

  @Test
  void nativeSenderSendsFromTheSameSocket() throws Exception {
    PacketBuffer buf = new PacketBuffer();
    byte[] esp = {0, 0, 0x20, 0x02, 0, 0, 0, 7, 42};
    System.arraycopy(esp, 0, buf.array(), 100, esp.length);
    EspSender sender = socket.nativeSender();
    PeerEndpoint to = new PeerEndpoint((InetSocketAddress) peer.getLocalSocketAddress(), sender.family());
    assertTrue(sender.send(buf, 100, esp.length, to));
    byte[] b = new byte[64];
    DatagramPacket p = new DatagramPacket(b, b.length);
    peer.receive(p);
    assertArrayEquals(esp, Arrays.copyOf(b, p.getLength()));
    assertEquals(socket.localAddress().getPort(), p.getPort(), "ESP leaves from the 4500 socket itself");
  }

  @Test
  void gsoSenderBatchesEqualPacketsIntoOneSendAndTheKernelSplitsThem() throws Exception {
    EspSender gso = socket.gsoSender();
    PeerEndpoint to = new PeerEndpoint((InetSocketAddress) peer.getLocalSocketAddress(), gso.family());
    PacketBuffer buf = new PacketBuffer();
    for (int i = 0; i < 3; i++) {
      byte[] esp = {0, 0, 0x20, 0x02, 0, 0, 0, (byte) (i + 1), 1, 2, 3, 4};
      System.arraycopy(esp, 0, buf.array(), 64, esp.length);
      assertTrue(gso.fits(esp.length, to));
      assertTrue(gso.send(buf, 64, esp.length, to));
    }
    byte[] shorter = {0, 0, 0x20, 0x02, 0, 0, 0, 4, 9};
    System.arraycopy(shorter, 0, buf.array(), 64, shorter.length);
    assertTrue(gso.send(buf, 64, shorter.length, to), "a shorter packet may end the batch");
    assertTrue(!gso.fits(12, to), "nothing may follow a shorter segment");
    assertEquals(0, gso.flush());
    for (int i = 0; i < 3; i++) {
      byte[] got = atPeer();
      assertEquals(12, got.length);
      assertEquals(i + 1, got[7]);
    }
    assertArrayEquals(shorter, atPeer());
  }

  /**
   * The default sender of a zero-checksum socket: packets of any length in one {@code sendmmsg}, each its
   * own datagram, in order.
   */
  @Test
  void mmsgSenderSendsABatchAsSeparateDatagramsOnAZeroChecksumSocket() throws Exception {
    UdpEncapSocket zero = new UdpEncapSocket(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        new Recorder(), false, true);
    zero.bind();
    try {
      EspSender mmsg = zero.mmsgSender();
      assertTrue(mmsg.batching());
      PeerEndpoint to = new PeerEndpoint((InetSocketAddress) peer.getLocalSocketAddress(), mmsg.family());
      PacketBuffer buf = new PacketBuffer();
      int[] lengths = {12, 300, 9, 1200};
      for (int i = 0; i < lengths.length; i++) {
        byte[] esp = new byte[lengths[i]];
        esp[2] = 0x20;
        esp[7] = (byte) (i + 1);
        System.arraycopy(esp, 0, buf.array(), 64, esp.length);
        assertTrue(mmsg.fits(esp.length, to), "any length joins the batch");
        assertTrue(mmsg.send(buf, 64, esp.length, to));
      }
      assertEquals(0, mmsg.flush());
      for (int i = 0; i < lengths.length; i++) {
        byte[] got = atPeer();
        assertEquals(lengths[i], got.length);
        assertEquals(i + 1, got[7]);
      }
    } finally {
      zero.close();
    }
  }

  /**
   * The forwarder's own receive configuration (no UDP GRO: Netty 4.2.16's epoll recvmmsg path hands a
   * GRO-coalesced datagram over without its segment size, and ESP has no length field to split it by):
   * the kernel cuts a GSO batch back into datagrams before they reach the socket.
   */
  @Test
  void receiverGetsEachEspPacketOfAGsoBatchSeparately() throws Exception {
    UdpEncapSocket groSocket = new UdpEncapSocket(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        new Recorder(), false, true);
    groSocket.bind();
    try {
      EspSender gso = socket.gsoSender();
      PeerEndpoint to = new PeerEndpoint(groSocket.localAddress(), gso.family());
      PacketBuffer buf = new PacketBuffer();
      for (int i = 0; i < 5; i++) {
        byte[] esp = new byte[1200];
        esp[2] = 0x20;
        esp[3] = 0x02;
        esp[7] = (byte) (i + 1);
        System.arraycopy(esp, 0, buf.array(), 64, esp.length);
        gso.send(buf, 64, esp.length, to);
      }
      assertEquals(0, gso.flush());
      for (int i = 0; i < 5; i++) {
        assertEquals("esp", events.poll(5, TimeUnit.SECONDS));
        byte[] got = payloads.poll();
        assertEquals(1200, got.length, "datagram " + i);
        assertEquals(i + 1, got[7]);
      }
    } finally {
      groSocket.close();
    }
  }

  /**
   * With UDP GRO on (computed checksums): the kernel hands a GSO batch over as one coalesced datagram, and the
   * socket reads it with {@code recvmsg}, which reports the segment size (Netty's {@code recvmmsg} path does not):
   * each ESP packet of the batch arrives on its own with its own length, the shorter last one too.
   */
  @Test
  void groReceiverSplitsACoalescedBatchBySegmentSize() throws Exception {
    UdpEncapSocket groSocket = new UdpEncapSocket(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        new Recorder(), true, false);
    groSocket.bind();
    try {
      EspSender gso = socket.gsoSender();
      PeerEndpoint to = new PeerEndpoint(groSocket.localAddress(), gso.family());
      PacketBuffer buf = new PacketBuffer();
      int[] lengths = {1200, 1200, 1200, 1200, 1200, 900};
      for (int i = 0; i < lengths.length; i++) {
        byte[] esp = new byte[lengths[i]];
        esp[2] = 0x20;
        esp[3] = 0x02;
        esp[7] = (byte) (i + 1);
        System.arraycopy(esp, 0, buf.array(), 64, esp.length);
        gso.send(buf, 64, esp.length, to);
      }
      assertEquals(0, gso.flush());
      for (int i = 0; i < lengths.length; i++) {
        assertEquals("esp", events.poll(5, TimeUnit.SECONDS));
        byte[] got = payloads.poll();
        assertEquals(lengths[i], got.length, "datagram " + i);
        assertEquals(i + 1, got[7]);
      }
    } finally {
      groSocket.close();
    }
  }

  private final class Recorder implements OuterReceiver {
    @Override
    public void onEsp(PacketBuffer buf, int off, int len, InetSocketAddress sender) {
      payloads.add(Arrays.copyOfRange(buf.array(), off, off + len));
      events.add("esp");
    }

    @Override
    public void onIke(byte[] message, InetSocketAddress sender, InetSocketAddress local) {
      payloads.add(message);
      events.add("ike " + sender.getPort());
    }

    @Override
    public void onKeepalive(InetSocketAddress sender) {
      events.add("keepalive");
    }

    @Override
    public void onMalformed(InetSocketAddress sender) {
      events.add("malformed");
    }
  }
}
