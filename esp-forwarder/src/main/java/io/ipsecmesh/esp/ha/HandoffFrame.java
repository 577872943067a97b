package io.ipsecmesh.esp.ha;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The wire form of one packet handed from a forwarder instance to the owner of its SA ({@code fwd.handoff.<id>}):
 *
 * <pre>
 *   kind (1) = 1 inbound ESP on UDP 4500 | 2 outbound inner packet
 *   kind 1: address length (1) = 4 | 16, the sender's address, its port (2), the ESP packet from its SPI on
 *   kind 2: the inner IP packet
 * </pre>
 *
 * Stateless and bounded: a frame longer than {@link #MAX_PACKET} plus its header, or one that is cut short or
 * of an unknown kind, decodes to null (the receiver counts it), never to an exception.
 */
public final class HandoffFrame {

  public static final byte INBOUND = 1;
  public static final byte OUTBOUND = 2;
  /** The largest packet a frame carries: what the forwarder's receive and TUN buffers hold. */
  public static final int MAX_PACKET = io.ipsecmesh.esp.io.PacketBuffer.MAX_PACKET;

  /** A decoded frame: {@code sender} is null for an outbound packet. */
  public record Decoded(byte kind, InetSocketAddress sender, byte[] packet, int offset, int length) {}

  private HandoffFrame() {}

  public static byte[] inbound(byte[] a, int off, int len, InetSocketAddress sender) {
    byte[] addr = sender.getAddress().getAddress();
    byte[] f = new byte[2 + addr.length + 2 + len];
    f[0] = INBOUND;
    f[1] = (byte) addr.length;
    System.arraycopy(addr, 0, f, 2, addr.length);
    int p = 2 + addr.length;
    f[p] = (byte) (sender.getPort() >>> 8);
    f[p + 1] = (byte) sender.getPort();
    System.arraycopy(a, off, f, p + 2, len);
    return f;
  }

  public static byte[] outbound(byte[] a, int off, int len) {
    byte[] f = new byte[1 + len];
    f[0] = OUTBOUND;
    System.arraycopy(a, off, f, 1, len);
    return f;
  }

  /** @return the frame's parts (the packet not copied), or null when it is malformed */
  public static Decoded decode(byte[] f) {
    if (f == null || f.length < 2) {
      return null;
    }
    if (f[0] == OUTBOUND) {
      int len = f.length - 1;
      return len <= MAX_PACKET ? new Decoded(OUTBOUND, null, f, 1, len) : null;
    }
    if (f[0] != INBOUND) {
      return null;
    }
    int alen = f[1];
    if (alen != 4 && alen != 16 || f.length < 2 + alen + 2 + 1) {
      return null;
    }
    int p = 2 + alen;
    int len = f.length - p - 2;
    if (len > MAX_PACKET) {
      return null;
    }
    byte[] addr = new byte[alen];
    System.arraycopy(f, 2, addr, 0, alen);
    int port = (f[p] & 0xff) << 8 | f[p + 1] & 0xff;
    try {
      return new Decoded(INBOUND, new InetSocketAddress(InetAddress.getByAddress(addr), port), f, p + 2, len);
    } catch (UnknownHostException e) {
      return null; // not reached: the length was checked
    }
  }
}
