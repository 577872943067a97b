package io.ipsecmesh.gateway;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * The demo's stand-in for a site's LAN: a UDP socket that sends raw inner packets into the site's
 * forwarder (its inner UDP port) and receives what the forwarder decapsulated.
 */
final class DemoLan implements AutoCloseable {

  private final DatagramSocket socket;
  private final InetSocketAddress site;

  DemoLan(String siteAddress) throws IOException {
    this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    this.site = new InetSocketAddress(siteAddress, DemoSite.LAN_PORT);
  }

  /** HOST:PORT the site's forwarder sends decapsulated packets to. */
  String endpoint() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** One packet into the site's forwarder, as if read from its LAN interface. */
  void inject(byte[] packet) throws IOException {
    socket.send(new DatagramPacket(packet, packet.length, site));
  }

  /** The next packet the site decapsulated, or null after {@code timeoutMillis}. */
  byte[] receive(int timeoutMillis) throws IOException {
    byte[] buf = new byte[2048];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    socket.setSoTimeout(Math.max(1, timeoutMillis));
    try {
      socket.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return Arrays.copyOf(buf, p.getLength());
  }

  @Override
  public void close() {
    socket.close();
  }
}
