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
}
