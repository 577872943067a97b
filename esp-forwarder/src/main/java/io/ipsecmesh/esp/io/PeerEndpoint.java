package io.ipsecmesh.esp.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * A remote crypto endpoint with its socket address pre-encoded for {@code sendto}, built once per SA
 * so sending a packet encodes nothing. The encoding follows the sending socket's family: an IPv4
 * peer of an IPv6 socket becomes an IPv4-mapped address.
 */
public final class PeerEndpoint {

  private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final InetSocketAddress address;
  private final int socketFamily;
  private final MemorySegment sockaddr;
  private final int sockaddrLength;
  /** Our source address for this peer (the SA's local address), or null to let the route choose. */
  private final InetAddress source;
  /**
   * {@code cmsghdr} + {@code struct in_pktinfo} (IP_PKTINFO, IPv4 socket) or {@code struct in6_pktinfo}
   * (IPV6_PKTINFO, RFC 3542 §6.1, IPv6 peer on an IPv6 socket) naming {@link #source}, or null.
   */
  private final MemorySegment pktinfo;

  /** CMSG_SPACE(sizeof(struct in_pktinfo)) on LP64. */
  static final int PKTINFO_SPACE = 32;
  /** CMSG_SPACE(sizeof(struct in6_pktinfo)) on LP64: 16 + 20 rounded up to 8. */
  static final int PKTINFO6_SPACE = 40;

  public PeerEndpoint(InetSocketAddress address, int socketFamily) {
    this(address, socketFamily, null);
  }

  /**
   * @param source the local address packets to this peer leave from (IPv4 socket only; the address must
   *     be one of the host's): with several crypto map interfaces, or {@code crypto map … local-address},
   *     the SA's local address rather than whatever the route to the peer would pick
   */
  public PeerEndpoint(InetSocketAddress address, int socketFamily, InetAddress source) {
    this.address = address;
    this.socketFamily = socketFamily;
    // the source must be of the peer's family and the socket's (an IPv4 source on a dual-stack socket: left to the route)
    boolean src4 = socketFamily == Libc.AF_INET && source instanceof Inet4Address;
    boolean src6 = socketFamily == Libc.AF_INET6 && source instanceof Inet6Address
        && address.getAddress() instanceof Inet6Address;
    this.source = src4 || src6 ? source : null;
    if (src4) {
      pktinfo = Arena.ofAuto().allocate(PKTINFO_SPACE, 8);
      pktinfo.set(ValueLayout.JAVA_LONG, 0, 28); // CMSG_LEN(12)
      pktinfo.set(ValueLayout.JAVA_INT, 8, 0); // IPPROTO_IP
      pktinfo.set(ValueLayout.JAVA_INT, 12, 8); // IP_PKTINFO
      pktinfo.set(ValueLayout.JAVA_INT, 16, 0); // ipi_ifindex: any
      MemorySegment.copy(this.source.getAddress(), 0, pktinfo, ValueLayout.JAVA_BYTE, 20, 4); // ipi_spec_dst
    } else if (src6) {
      pktinfo = Arena.ofAuto().allocate(PKTINFO6_SPACE, 8);
      pktinfo.set(ValueLayout.JAVA_LONG, 0, 36); // CMSG_LEN(20)
      pktinfo.set(ValueLayout.JAVA_INT, 8, Libc.IPPROTO_IPV6);
      pktinfo.set(ValueLayout.JAVA_INT, 12, Libc.IPV6_PKTINFO);
      MemorySegment.copy(this.source.getAddress(), 0, pktinfo, ValueLayout.JAVA_BYTE, 16, 16); // ipi6_addr
      pktinfo.set(ValueLayout.JAVA_INT, 32, 0); // ipi6_ifindex: any
    } else {
      pktinfo = null;
    }
    InetAddress ip = address.getAddress();
    if (socketFamily == Libc.AF_INET) {
      if (!(ip instanceof Inet4Address)) {
        throw new IllegalArgumentException("IPv6 peer " + ip + " on an IPv4 socket");
      }
      sockaddr = Arena.ofAuto().allocate(16, 8);
      sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
      sockaddr.set(NET_SHORT, 2, (short) address.getPort());
      MemorySegment.copy(ip.getAddress(), 0, sockaddr, ValueLayout.JAVA_BYTE, 4, 4);
      sockaddrLength = 16;
    } else {
      sockaddr = Arena.ofAuto().allocate(28, 8);
      sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
      sockaddr.set(NET_SHORT, 2, (short) address.getPort());
      byte[] v6 = new byte[16];
      if (ip instanceof Inet6Address) {
        v6 = ip.getAddress();
      } else {
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(ip.getAddress(), 0, v6, 12, 4);
      }
      MemorySegment.copy(v6, 0, sockaddr, ValueLayout.JAVA_BYTE, 8, 16);
      sockaddrLength = 28;
    }
  }

  /** The same peer address at another UDP port (its NAT mapping moved), encoded for the same socket. */
  public PeerEndpoint withPort(int port) {
    return new PeerEndpoint(new InetSocketAddress(address.getAddress(), port), socketFamily, source);
  }

  /** The IP_PKTINFO / IPV6_PKTINFO control message choosing our source address, or null. */
  MemorySegment pktinfo() {
    return pktinfo;
  }

  /** The length of {@link #pktinfo()} ({@code msg_controllen}). */
  int pktinfoSpace() {
    return pktinfo == null ? 0 : pktinfo.byteSize() == PKTINFO6_SPACE ? PKTINFO6_SPACE : PKTINFO_SPACE;
  }

  /** Whether the peer is an IPv6 address (not IPv4-mapped): the outer header is IPv6 (RFC 8200), 40 bytes. */
  public boolean ipv6() {
    return address.getAddress() instanceof Inet6Address;
  }

  public InetAddress source() {
    return source;
  }

  public InetSocketAddress address() {
    return address;
  }

  MemorySegment sockaddr() {
    return sockaddr;
  }

  int sockaddrLength() {
    return sockaddrLength;
  }

  @Override
  public String toString() {
    String a = io.ipsecmesh.esp.spd.Ip128.text(address.getAddress());
    return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + address.getPort();
  }
}
