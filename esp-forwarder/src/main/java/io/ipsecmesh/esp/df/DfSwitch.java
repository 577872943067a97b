package io.ipsecmesh.esp.df;

/**
 * Sets the DF bit of the datagrams an outer socket sends from now on. Linux has no per-packet DF
 * control message for IPv4 sockets, so the sending thread switches the socket's
 * {@code IP_MTU_DISCOVER} mode between packets whose DF differs; the kernel reads the mode when it
 * builds each datagram.
 */
@FunctionalInterface
public interface DfSwitch {

  /** A socket whose DF bit is not ours to set (IPv6 outer header, or no socket in a test). */
  DfSwitch NONE = df -> true;

  /** @return false when the socket refused the mode */
  boolean dontFragment(boolean df);
}
