package io.ipsecmesh.esp.frag;

/** Sends an ICMPv6 message (without IPv6 header) to an IPv6 address; the sending thread's only. */
@FunctionalInterface
public interface Icmp6Sender {

  /** Where no ICMPv6 can be sent (no raw socket without root): the drop is still counted. */
  Icmp6Sender NONE = (msg, len, hi, lo) -> false;

  /** @param dstHi the destination's first 64 bits, {@code dstLo} its last 64 */
  boolean send(byte[] message, int len, long dstHi, long dstLo);
}
