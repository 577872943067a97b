package io.ipsecmesh.esp.frag;

/**
 * Counters of the pre-fragmentation / DF decisions of one outbound pipeline. One writer (the inner
 * port's reader thread), so plain fields; readers see them eventually, as for the SA counters.
 */
public final class FragmentStats {
  /** Inner packets cut into fragments before encryption. */
  public long fragmentedBeforeEncryption;
  /** Fragments those packets became (each one ESP packet). */
  public long fragmentsSent;
  /** Outer packets sent with DF clear for the IP layer to fragment (after encryption). */
  public long fragmentedAfterEncryption;
  /** Packets dropped because DF forbade fragmenting them. */
  public long dfDrops;
  /** ICMP fragmentation-needed messages sent for those drops. */
  public long icmpSent;
  /** IPv6 inner packets dropped as too big for the tunnel (RFC 8200 §5: never fragmented on the path). */
  public long packetTooBigDrops;
  /** ICMPv6 Packet Too Big messages sent for those drops (RFC 4443 §3.2). */
  public long packetTooBigSent;
}
