package io.ipsecmesh.ike.dos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel says of the UDP sockets bound to ike-service's IKE port: the bytes waiting to be read (what the
 * event loop has not caught up with) and the datagrams dropped unread since the sockets were opened (their receive
 * buffer was full). Read from {@code /proc/net/udp} and {@code udp6} of the process's network namespace — small
 * in-memory files — every {@link NewSaLoadShedder#TICK_MILLIS}.
 *
 * @param queuedBytes sum of {@code rx_queue}
 * @param drops sum of the {@code drops} column
 */
public record IkeSocketQueue(long queuedBytes, long drops) {

  /** Both files: IPv4 and IPv6 sockets on {@code port}; zeros where unknown (not Linux, no IPv6). */
  public static IkeSocketQueue of(int port) {
    IkeSocketQueue v4 = parse(read("/proc/net/udp"), port);
    IkeSocketQueue v6 = parse(read("/proc/net/udp6"), port);
    return new IkeSocketQueue(v4.queuedBytes + v6.queuedBytes, v4.drops + v6.drops);
  }

  /**
   * The sums over the socket lines of a {@code /proc/net/udp} text whose local port is {@code port} (lines {@code sl
   * local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops}, addresses
   * and queues in hex, drops in decimal). Lines that do not parse count nothing; a line without the drops column counts
   * its queue only.
   */
  static IkeSocketQueue parse(String procNetUdp, int port) {
    long queued = 0;
    long drops = 0;
    for (String line : procNetUdp.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 5 || !f[0].endsWith(":")) {
        continue; // the header, or no socket line
      }
      try {
        int colon = f[1].lastIndexOf(':');
        int queue = f[4].indexOf(':');
        if (colon > 0 && queue > 0 && Integer.parseInt(f[1].substring(colon + 1), 16) == port) {
          long q = Long.parseLong(f[4].substring(queue + 1), 16);
          long d = f.length > 12 ? Long.parseLong(f[12]) : 0;
          queued += q;
          drops += d;
        }
      } catch (NumberFormatException e) {
        // not a socket line: skipped
      }
    }
    return new IkeSocketQueue(queued, drops);
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
