package io.ipsecmesh.esp.df;

import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.PeerEndpoint;

/**
 * An {@link EspSender} whose every datagram leaves with the outer DF bit the pipeline chose for it
 * ({@link #next}). A batch (one UDP GSO {@code sendmsg}) holds packets of one DF value only: a
 * packet with the other value does not {@link #fits fit}, the caller flushes, and the socket's mode
 * is switched before the next batch starts. A packet marked {@code alone} (it exceeds the MTU and
 * the IP layer must fragment it, which UDP GSO refuses) travels in a batch of its own. Traffic of
 * one DF value, the usual case, costs no extra system call. Used from the sending thread only.
 */
public final class DfSwitchingSender implements EspSender {

  private static final int UNKNOWN = -1;

  private final EspSender out;
  private final DfSwitch socket;
  /** DF mode the socket is in: 0, 1, or unknown before the first packet. */
  private int socketDf = UNKNOWN;
  private boolean nextDf;
  private boolean nextAlone;
  private boolean batchAlone;
  private long switches;
  private long switchFailures;

  public DfSwitchingSender(EspSender out, DfSwitch socket) {
    this.out = out;
    this.socket = socket;
  }

  /** The outer DF bit and batching of the packet the caller is about to {@link #fits test} and send. */
  public void next(boolean df, boolean alone) {
    nextDf = df;
    nextAlone = alone;
  }

  @Override
  public boolean batching() {
    return out.batching();
  }

  @Override
  public boolean fits(int len, PeerEndpoint peer) {
    // a batch is pending when fits is asked (the pipeline asks only then)
    return !nextAlone && !batchAlone && socketDf == (nextDf ? 1 : 0) && out.fits(len, peer);
  }

  @Override
  public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer) {
    int want = nextDf ? 1 : 0;
    if (socketDf != want) {
      // only between batches: the caller flushed because this packet did not fit
      switches++;
      if (socket.dontFragment(nextDf)) {
        socketDf = want;
      } else {
        switchFailures++;
        socketDf = UNKNOWN;
        return false;
      }
    }
    batchAlone = nextAlone;
    boolean taken = out.send(buf, off, len, peer);
    if (!out.batching()) {
      batchAlone = false;
    }
    return taken;
  }

  @Override
  public int flush() {
    batchAlone = false;
    return out.flush();
  }

  @Override
  public int family() {
    return out.family();
  }

  /** The DF mode the socket is in (for tests): 1, 0, or -1 before the first packet. */
  public int socketDf() {
    return socketDf;
  }

  /** How often the socket's mode was switched (read by metrics; one writer thread). */
  public long switches() {
    return switches;
  }

  public long switchFailures() {
    return switchFailures;
  }
}
