package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.io.PacketBuffer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An inner side for hosts without a TUN interface (no {@code CAP_NET_ADMIN}): each datagram that arrives
 * on a local UDP socket is one raw inner IP packet (no link-layer header) read from the "LAN", and each
 * decapsulated packet is sent as one datagram to a fixed local peer. The loopback demo feeds it with
 * packets built in Java; it is not meant for volume (one blocking syscall per packet, its own thread).
 */
public final class UdpInnerPort implements PacketPort {

  private static final Logger LOG = Logger.getLogger(UdpInnerPort.class.getName());

  private final DatagramSocket socket;
  private final InetSocketAddress peer;
  private Thread reader;

  private UdpInnerPort(DatagramSocket socket, InetSocketAddress peer) {
    this.socket = socket;
    this.peer = peer;
  }

  /**
   * Binds {@code bind} (host:port) for inner packets from the LAN; decapsulated packets go to {@code peer}
   * (host:port).
   */
  public static UdpInnerPort open(String bind, String peer) throws IOException {
    InetSocketAddress local = endpoint(bind, "innerUdpBind");
    InetSocketAddress to = endpoint(peer, "innerUdpPeer");
    DatagramSocket s = new DatagramSocket(null);
    try {
      s.bind(local);
    } catch (SocketException e) {
      s.close();
      throw e;
    }
    return new UdpInnerPort(s, to);
  }

  private static InetSocketAddress endpoint(String hostPort, String what) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(what + " must be HOST:PORT, not " + hostPort);
    }
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  @Override
  public String name() {
    return "udp:" + socket.getLocalSocketAddress() + "->" + peer;
  }

  /** Where inner packets are read from (the bound socket). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  @Override
  public void start(InnerPacketHandler handler) {
    reader = Thread.ofPlatform().daemon().name("udp-inner").start(() -> read(handler));
  }

  private void read(InnerPacketHandler handler) {
    PacketBuffer buf = new PacketBuffer();
    // the datagram lands where a TUN read would put it: headroom in front for the ESP header
    DatagramPacket p = new DatagramPacket(buf.array(), PacketBuffer.HEADROOM, PacketBuffer.MAX_PACKET);
    while (!socket.isClosed()) {
      try {
        p.setData(buf.array(), PacketBuffer.HEADROOM, PacketBuffer.MAX_PACKET);
        socket.receive(p);
      } catch (IOException e) {
        if (!socket.isClosed()) {
          LOG.log(Level.WARNING, "esp-forwarder: inner UDP port read failed", e);
        }
        return;
      }
      handler.onInnerPacket(buf, PacketBuffer.HEADROOM, p.getLength());
      handler.onBatchEnd();
    }
  }

  @Override
  public boolean write(PacketBuffer buf, int off, int len) {
    try {
      socket.send(new DatagramPacket(buf.array(), off, len, peer));
      return true;
    } catch (IOException e) {
      // nobody listening on the peer port is a dropped inner packet, not a forwarder failure
      return false;
    }
  }

  @Override
  public void close() {
    socket.close();
    if (reader != null) {
      reader.interrupt();
    }
  }
}
