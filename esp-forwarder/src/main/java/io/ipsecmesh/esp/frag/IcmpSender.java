package io.ipsecmesh.esp.frag;

/** Sends an ICMP message (without IP header) to an IPv4 address; the sending thread's only. */
@FunctionalInterface
public interface IcmpSender {

  /** Where no ICMP can be sent (no raw socket without root): the drop is still counted. */
  IcmpSender NONE = (msg, len, dst) -> false;

  /** @param dstV4 the destination IPv4 address as an int (network order bits) */
  boolean send(byte[] message, int len, int dstV4);
}
