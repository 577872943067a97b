package io.ipsecmesh.ike.dos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
 * of the bytes queued ({@code rx_queue} of {@code /proc/net/udp} and {@code udp6}, every 100 ms: a read of a small
 * in-memory file) is what the loop has not read yet. One loop's: not thread-safe.
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

  /** Bytes queued in this network namespace's UDP sockets bound to {@code port}, IPv4 and IPv6; 0 where unknown. */
  public static long queued(int port) {
    return queued(read("/proc/net/udp"), port) + queued(read("/proc/net/udp6"), port);
  }

  /**
   * The sum of {@code rx_queue} over the sockets of a {@code /proc/net/udp} text whose local port is {@code port}
   * (lines {@code sl local_address rem_address st tx_queue:rx_queue …}, addresses and queues in hex). Lines that do
   * not parse count nothing.
   */
  static long queued(String procNetUdp, int port) {
    long sum = 0;
    for (String line : procNetUdp.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 5 || !f[0].endsWith(":")) {
        continue; // the header, or no socket line
      }
      try {
        int colon = f[1].lastIndexOf(':');
        int queue = f[4].indexOf(':');
        if (colon > 0 && queue > 0 && Integer.parseInt(f[1].substring(colon + 1), 16) == port) {
          sum += Long.parseLong(f[4].substring(queue + 1), 16);
        }
      } catch (NumberFormatException e) {
        // not a socket line: skipped
      }
    }
    return sum;
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return ""; // not Linux, or no IPv6: nothing known to wait
    }
  }
}
