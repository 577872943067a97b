package io.ipsecmesh.ike.dos;

/**
 * The IKE socket's drop counter from one reading to the next: how many datagrams the kernel discarded unread in
 * between. Each is a request or an answer ike-service never saw — possibly a peer's answer to a DPD probe, which
 * dpd-service must then not count against that peer (docs/architecture.md, "DPD under local overload"). The counter
 * starts at zero with the socket; one that went down (the socket was opened anew) is a new baseline. One loop's: not
 * thread-safe.
 */
public final class ReceiveLossWatch {

  private long lastDrops;

  /** @return the datagrams dropped since the previous reading */
  public long observe(long drops) {
    long lost = drops < lastDrops ? 0 : drops - lastDrops;
    lastDrops = drops;
    return lost;
  }
}
