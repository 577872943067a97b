package io.ipsecmesh.ike.dos;

/**
 * Call admission by load: while more than a threshold of datagrams waits in ike-service's IKE socket, the first
 * message of a new IKE SA (an IKEv2 IKE_SA_INIT request, an IKEv1 Main or Aggressive Mode first message: responder
 * SPI zero) is dropped unanswered, so that the event loop spends what it has on the SAs that exist — their DPD
 * answers, rekeys, deletes. The initiator retransmits, and its SA comes up once the backlog is read. IOS answers the
 * same overload with {@code crypto call admission limit}, strongSwan with {@code init_limit_job_load}.
 *
 * <p>Why the socket's backlog and not the loop's lateness: 100 000 peers set up at full speed with DPD on
 * (docs/performance.md, "100 000 IKE SAs on one gateway") filled the 8 MB socket at 65 000–80 000 SAs while a timer on
 * the same loop stayed on time (Netty gives its tasks their turn between reads), the socket dropped the DPD answers of
 * established peers with the new SAs' requests, and dpd-service declared 77 000 healthy peers dead. The kernel's count
 * of the bytes queued ({@link IkeSocketQueue}, every 100 ms) is what the loop has not read yet. One loop's: not thread-safe.
 */
public final class NewSaLoadShedder {

  /** How often the backlog is read, on the loop that reads the socket. */
  public static final long TICK_MILLIS = 100;

  private final long thresholdBytes;
  private long queuedBytes;

  /** @param thresholdBytes queued bytes from which new SAs are shed; 0 = never */
  public NewSaLoadShedder(long thresholdBytes) {
    this.thresholdBytes = thresholdBytes;
  }

  /** The bytes now waiting in the IKE socket(s). */
  public void observe(long queued) {
    this.queuedBytes = queued;
  }

  /** True while the last reading was at or above the threshold. */
  public boolean overloaded() {
    return thresholdBytes > 0 && queuedBytes >= thresholdBytes;
  }

  /** True when {@code message} opens a new IKE SA and the socket is backlogged: drop it. */
  public boolean sheds(byte[] message) {
    return overloaded() && opensNewSa(message);
  }

  /**
   * The first message of a new IKE SA: an IKE header (RFC 7296 §3.1, RFC 2408 §3.1) whose responder SPI (cookie) is
   * zero and that is no IKEv2 response. Anything shorter than a header is no such message (the protocols count it).
   */
  public static boolean opensNewSa(byte[] m) {
    if (m == null || m.length < 28) {
      return false;
    }
    for (int i = 8; i < 16; i++) {
      if (m[i] != 0) {
        return false;
      }
    }
    boolean ikev2 = (m[17] & 0xf0) == 0x20;
    return !(ikev2 && (m[19] & 0x20) != 0);
  }
}
