package io.ipsecmesh.gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's story: site A (127.0.0.1) protects 10.1.0.0/16; hub B (127.0.0.2) and its backup C (127.0.0.3)
 * both serve 10.2.0.0/16, and A's crypto map lists {@code set peer B} then {@code set peer C} with
 * {@code dpd 10 2 periodic}. Traffic from A's LAN brings up an IKEv2 tunnel to B; B then stops answering
 * (SIGSTOP) right after answering a DPD probe; A's DPD declares it dead after at most 10 + 5 × 2 s and fails
 * over to C; traffic flows again.
 * Every step is narrated with a timestamp and proved with show commands; the milestones are returned.
 */
final class DemoStory {

  /** What the story proved; {@code deadAfterSeconds} is measured from the silence to the DOWN line. */
  record Milestones(double tunnelUpSeconds, int roundTripsViaB, long encapsViaB, long decapsViaB,
      double deadAfterSeconds, double failoverSeconds, int roundTripsViaC, long encapsViaC, long decapsViaC) {}

  static final String LAN_A_HOST = "10.1.0.10";
  static final String LAN_B_HOST = "10.2.0.20";
  static final int DPD_SECONDS = 10;
  static final int DPD_RETRY = 2;
  /**
   * IOS DPD: after the periodic interval, five retransmissions {@code retry} seconds apart, plus 3 s for the machine:
   * this is the one real-time run of the rule (exact to the millisecond in virtual time in dpd-service's tests), and
   * on a 2-core CI machine running three gateways a JVM was once held 1.7 s between two retransmissions (21.8 s).
   */
  static final int DEAD_BOUND_SECONDS = DPD_SECONDS + 5 * DPD_RETRY + 3;
  private static final int ROUND_TRIPS = 5;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
  private static final Pattern ENCAPS = Pattern.compile("#pkts encaps: (\\d+)");
  private static final Pattern DECAPS = Pattern.compile("#pkts decaps: (\\d+)");

  private final PrintStream out;
  final DemoSite a;
  final DemoSite b;
  final DemoSite c;
  private int seq;

  DemoStory(PrintStream out, Path dir) {
    this.out = out;
    this.a = new DemoSite("site-a", "127.0.0.1", "demo-site-a.cfg", 5801, dir);
    this.b = new DemoSite("site-b", "127.0.0.2", "demo-site-b.cfg", 5821, dir);
    this.c = new DemoSite("site-c", "127.0.0.3", "demo-site-c.cfg", 5841, dir);
  }

  List<DemoSite> sites() {
    return List.of(a, b, c);
  }

  Milestones run() throws DemoFailure {
    try (DemoLan lanA = new DemoLan(a.address); DemoLan lanB = new DemoLan(b.address);
        DemoLan lanC = new DemoLan(c.address)) {
      return run(lanA, lanB, lanC);
    } catch (IOException e) {
      throw new DemoFailure("LAN socket: " + e.getMessage());
    }
  }

  private Milestones run(DemoLan lanA, DemoLan lanB, DemoLan lanC) throws DemoFailure, IOException {
    say("starting site A (127.0.0.1), hub B (127.0.0.2) and backup hub C (127.0.0.3) as three JVMs");
    a.start(lanA.endpoint());
    b.start(lanB.endpoint());
    c.start(lanC.endpoint());
    for (DemoSite s : sites()) {
      s.awaitStarted();
      say(s.name + " is up (log " + s.log + ")");
    }
    a.exec("debug crypto ikev2");
    say("site-a# debug crypto ikev2   (DPD trace lines below come from site A's log)");

    say("LAN A " + LAN_A_HOST + " sends UDP to LAN B " + LAN_B_HOST + ": the first packet hits crypto map demo"
        + " 10 without an SA, so site A starts IKEv2 with its first set peer, 127.0.0.2");
    long t = System.currentTimeMillis();
    int viaB = exchange(lanA, lanB, "hub B", ROUND_TRIPS, t + 30_000);
    double tunnelUp = (System.currentTimeMillis() - t) / 1000.0;
    if (viaB == 0) {
      throw new DemoFailure("no packet came through hub B within 30 s:\n" + a.tail());
    }
    printLog(a);
    long[] countersB = counters(a, b.address);
    show(a, "show crypto isakmp sa");
    show(a, "show crypto ipsec sa peer " + b.address);

    say("waiting for site A's periodic DPD probe: R_U_THERE goes to B after " + DPD_SECONDS + " s without a"
        + " packet from it");
    long quiet = System.currentTimeMillis();
    awaitLog(quiet, "Received DPD/liveness query response from " + b.address, (DPD_SECONDS + 10) * 1000L);
    say("hub B answered, and now stops answering (kill -STOP): no IKE, no ESP from it any more. Dead within "
        + DPD_SECONDS + " + 5 x " + DPD_RETRY + " s: the next probe after the interval, then five retransmissions");
    b.silence();
    long silent = System.currentTimeMillis();
    double dead = awaitLog(silent, "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN", (DEAD_BOUND_SECONDS + 10) * 1000L);
    say(String.format("hub B declared dead %.1f s after it went silent (bound %d s); failover to the next set peer,"
        + " 127.0.0.3", dead, DEAD_BOUND_SECONDS));

    long f = System.currentTimeMillis();
    int viaC = exchange(lanA, lanC, "hub C", ROUND_TRIPS, f + 30_000);
    double failover = (System.currentTimeMillis() - f) / 1000.0;
    if (viaC == 0) {
      throw new DemoFailure("no packet came through hub C within 30 s after the failover:\n" + a.tail());
    }
    printLog(a);
    long[] countersC = counters(a, c.address);
    show(a, "show crypto isakmp sa");
    show(a, "show crypto ipsec sa peer " + c.address);
    show(a, "show crypto session");
    return new Milestones(tunnelUp, viaB, countersB[0], countersB[1], dead, failover, viaC, countersC[0],
        countersC[1]);
  }

  /**
   * Sends from LAN A to LAN B's host until {@code wanted} packets came out at {@code hub} and its answers
   * came back to LAN A, or the deadline passed; returns the round trips. The first packets start IKE and
   * are dropped meanwhile, as on IOS.
   */
  private int exchange(DemoLan lanA, DemoLan hub, String hubName, int wanted, long deadline) throws IOException {
    int done = 0;
    while (done < wanted && System.currentTimeMillis() < deadline) {
      byte[] packet = DemoPackets.udp(LAN_A_HOST, 40000, LAN_B_HOST, 7, ++seq);
      lanA.inject(packet);
      byte[] arrived = hub.receive(300);
      if (arrived == null) {
        printLog(a);
        continue;
      }
      hub.inject(DemoPackets.reply(arrived));
      byte[] back = lanA.receive(2000);
      if (back != null && DemoPackets.sequence(back) == DemoPackets.sequence(arrived)) {
        done++;
        if (done == 1) {
          say("packet " + DemoPackets.sequence(arrived) + " " + DemoPackets.flow(arrived) + " came out decrypted at "
              + hubName + ", its answer " + DemoPackets.flow(back) + " came back to LAN A");
        }
      }
    }
    if (done > 0) {
      say(done + " round trips LAN A <-> LAN B through " + hubName);
    }
    return done;
  }

  /**
   * Prints site A's DPD trace and session lines, stamped with the seconds since {@code since}, until one
   * contains {@code text}; returns those seconds.
   */
  private double awaitLog(long since, String text, long timeoutMillis) throws DemoFailure {
    long deadline = since + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      for (String line : a.newLogLines()) {
        double at = (System.currentTimeMillis() - since) / 1000.0;
        if (interesting(line)) {
          say(String.format("+%5.1f s  site-a: %s", at, message(line)));
        }
        if (line.contains(text)) {
          return at;
        }
      }
      pause(100);
    }
    throw new DemoFailure("site A's log did not show '" + text + "' within " + timeoutMillis / 1000 + " s:\n"
        + a.tail());
  }

  /** Encaps and decaps of site A's SAs with {@code peer}, once both are counted (published about once a second). */
  private long[] counters(DemoSite site, String peer) throws DemoFailure {
    long deadline = System.currentTimeMillis() + 10_000;
    long[] n = {0, 0};
    while (System.currentTimeMillis() < deadline) {
      String sa = site.exec("show crypto ipsec sa peer " + peer);
      n = new long[] {sum(ENCAPS, sa), sum(DECAPS, sa)};
      if (n[0] > 0 && n[1] > 0) {
        return n;
      }
      pause(250);
    }
    return n;
  }

  private static long sum(Pattern p, String text) {
    long total = 0;
    Matcher m = p.matcher(text);
    while (m.find()) {
      total += Long.parseLong(m.group(1));
    }
    return total;
  }

  private void printLog(DemoSite site) {
    for (String line : site.newLogLines()) {
      if (interesting(line)) {
        say(site.name + ": " + message(line));
      }
    }
  }

  /** Syslog lines and the DPD trace (IKEv1's, or dpd-service's IKEv2 liveness lines), not every exchange. */
  private static boolean interesting(String line) {
    return line.contains("%CRYPTO-") || line.contains("ISAKMP:(") || line.contains("DPD/liveness query")
        || line.contains(" not responding!");
  }

  /** The message of a log line, without the logger's level prefix. */
  private static String message(String line) {
    int i = line.indexOf(": ");
    return line.startsWith("INFO: ") || line.startsWith("WARNING: ") ? line.substring(i + 2) : line;
  }

  private void show(DemoSite site, String command) throws DemoFailure {
    out.println();
    out.println(site.name + "# " + command);
    out.print(site.exec(command));
    out.println();
  }

  private void say(String text) {
    out.println("[" + LocalTime.now().format(CLOCK) + "] " + text);
    out.flush();
  }

  private static void pause(long millis) throws DemoFailure {
    try {
      // waiting on child processes and their logs: nothing to block on but time
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailure("interrupted");
    }
  }
}
