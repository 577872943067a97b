package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.awaitFile;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.exec;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.pingUntilTheTunnelCarries;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.startGateway;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.testsupport.Sh;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Life of one IKEv2 tunnel between the whole gateway ({@code ipsec-mesh run} in {@code lcgwa}, the
 * configuration of {@link GatewayStrongswanTunnelTest}) and strongSwan 5.9.8 in {@code lcgwb}: iperf3
 * LAN to LAN through it, Child SA rekeys every 30 s under a continuous ping, and a DELETE sent by
 * strongSwan that must tear down our IKE SA and the forwarder's Child SAs. (Our own DELETE, {@code clear
 * crypto session}, is {@link GatewayStrongswanTunnelTest}'s.)
 *
 * <p>The 30-second lifetime is strongSwan's ({@code rekey_time = 30s} of the child): our configuration
 * language keeps IOS's range for {@code set security-association lifetime seconds} (120..86400), so our
 * side keeps the default 3600 s and strongSwan is the side that rekeys; our engine answers its
 * CREATE_CHILD_SA and the DELETE of the old SA. The methods run in order on one tunnel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayStrongswanLifecycleTest {

  /** strongSwan 5.9.8's line for every new Child SA, first and rekeyed: {@code CHILD_SA net{2} established with SPIs c1.._i c2.._o}. */
  private static final Pattern ESTABLISHED =
      Pattern.compile("CHILD_SA net\\{(\\d+)} established with SPIs ([0-9a-f]{8})_i ([0-9a-f]{8})_o");

  private Path run;
  private Process gateway;
  private Path gatewayLog;
  private Path charonLog;
  private boolean up;

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/iperf3")), "iperf3 not installed");
    run = Sh.runDirectory("it-lifecycle-");
    up = true;
    harness(run, "lc", Map.of(), "netns-up.sh", "--no-plain-routes");
    harness(run, "lc", Map.of("LOCAL_ID", "172.31.255.2", "REMOTE_ID", "172.31.255.1", "SECRET_ID_A", "172.31.255.1",
        "SECRET_ID_B", "172.31.255.2", "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256", "CHILD_REKEY_TIME", "30s"),
        "charon-start.sh", "lcgwb", "ikev2-gcm");
    charonLog = run.resolve("lcgwb").resolve("charon.log");
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = GatewayStrongswanTunnelTest.class.getResourceAsStream("strongswan-tunnel-gwa.cfg")) {
      Files.copy(in, cfg);
    }
    gatewayLog = run.resolve("gateway.log");
    gateway = startGateway("lcgwa", cfg, run, gatewayLog);
  }

  @AfterAll
  void tearDown() throws Exception {
    Sh.stop(gateway, 15);
    if (up) {
      harness(run, "lc", Map.of(), "netns-down.sh");
    }
  }

  @Test
  @Order(1)
  void iperf3CrossesTheTunnel() throws Exception {
    pingUntilTheTunnelCarries("lclana", gatewayLog);
    Path serverOut = run.resolve("iperf3-server.log");
    // -1 and timeout: the server exits after one test and never outlives the run; --forceflush: its
    // "Server listening" reaches the file although stdout is not a terminal
    Process server = new ProcessBuilder("ip", "netns", "exec", "lclanb", "timeout", "30", "iperf3", "-s", "-1",
        "--forceflush", "-B", "10.91.2.10")
        .redirectErrorStream(true).redirectOutput(serverOut.toFile()).start();
    String client;
    try {
      awaitFile(serverOut, "Server listening", 20);
      client = capture(List.of("ip", "netns", "exec", "lclana", "iperf3", "-c", "10.91.2.10", "-t", "3", "-f", "m"),
          Map.of());
    } finally {
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    Matcher receiver = Pattern.compile("([0-9.]+) Mbits/sec\\s+receiver").matcher(client);
    assertTrue(receiver.find(), client);
    double mbits = Double.parseDouble(receiver.group(1));
    System.out.printf(Locale.ROOT, "iperf3 LAN-to-LAN through the IKEv2 tunnel (gateway <-> strongSwan, 3 s): "
        + "%.1f Mbit/s%n%s%n", mbits, client);
    assertTrue(mbits > 1, client);
    // the bytes went through our forwarder's SA, not some other path
    String sa = exec("lcgwa", run, "show crypto ipsec sa");
    Matcher encaps = Pattern.compile("#pkts encaps: (\\d+)").matcher(sa);
    assertTrue(encaps.find() && Long.parseLong(encaps.group(1)) > 1000, sa);
  }

  @Test
  @Order(2)
  void childSaRekeyedByStrongswanEvery30SecondsDropsNoPing() throws Exception {
    pingUntilTheTunnelCarries("lclana", gatewayLog);
    List<String[]> before = established(Files.readString(charonLog));
    String[] first = before.getLast();
    Path pingOut = run.resolve("ping.log");
    // 300 x 0.2 s = 60 s: the Child SA is younger than 30 s here, so at least one rekey falls inside
    Process ping = new ProcessBuilder("ip", "netns", "exec", "lclana", "ping", "-i", "0.2", "-c", "300", "-W", "1",
        "10.91.2.10").redirectErrorStream(true).redirectOutput(pingOut.toFile()).start();
    try {
      awaitFile(charonLog, "CHILD_SA net{" + (Integer.parseInt(first[0]) + 1) + "} established", 45);
      assertTrue(ping.waitFor(90, TimeUnit.SECONDS), "ping did not finish");
    } finally {
      ping.destroyForcibly();
    }
    String pings = Files.readString(pingOut);
    Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(pings);
    assertTrue(m.find(), pings);
    int lost = Integer.parseInt(m.group(1)) - Integer.parseInt(m.group(2));
    String rekeys = String.join(", ", established(Files.readString(charonLog)).stream()
        .map(e -> "net{" + e[0] + "} " + e[1] + "_i/" + e[2] + "_o").toList());
    System.out.println("ping -i 0.2 -c 300 across strongSwan's Child SA rekeys (" + rekeys + "): " + m.group()
        + ", lost " + lost);
    assertTrue(lost == 0, "packets lost across the rekey: " + lost + "\n" + pings);

    // the newest Child SA is installed on both sides, the one before the rekeys is gone from both
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String ours;
    String theirs;
    String[] newest;
    boolean settled;
    do {
      newest = established(Files.readString(charonLog)).getLast();
      ours = exec("lcgwa", run, "show crypto ipsec sa").toLowerCase(Locale.ROOT);
      theirs = harness(run, "lc", Map.of(), "sw.sh", "lcgwb", "--list-sas");
      settled = !newest[0].equals(first[0])
          // strongSwan's inbound SPI is our outbound one and the other way round
          && ours.contains("spi: 0x" + newest[1]) && ours.contains("spi: 0x" + newest[2])
          && !ours.contains("spi: 0x" + first[1]) && !ours.contains("spi: 0x" + first[2])
          && theirs.contains(newest[1]) && theirs.contains(newest[2])
          && !theirs.contains(first[1]) && !theirs.contains(first[2]);
    } while (!settled && System.nanoTime() < deadline);
    System.out.println("after the rekey: ours\n" + ours + "\nstrongSwan's\n" + theirs);
    assertTrue(settled, "old SPIs " + first[1] + "/" + first[2] + ", newest " + newest[1] + "/" + newest[2]
        + "\nours:\n" + ours + "\nstrongSwan:\n" + theirs);
    assertTrue(ours.contains("current outbound spi: " + newest[1]), ours);
    // each answer to strongSwan's CREATE_CHILD_SA waited for our forwarder to confirm the new inbound SA (RFC 7296
    // 2.8), and got the confirmation rather than the 100 ms bound
    String log = Files.readString(gatewayLog);
    assertFalse(log.contains("no esp-forwarder confirmed"), log);
  }

  @Test
  @Order(3)
  void deleteFromStrongswanTearsDownOurIkeAndChildSas() throws Exception {
    pingUntilTheTunnelCarries("lclana", gatewayLog);
    assertTrue(exec("lcgwa", run, "show crypto isakmp sa").contains("172.31.255.2"));
    String terminate = harness(run, "lc", Map.of(), "sw.sh", "lcgwb", "--terminate", "--ike", "gw");
    assertTrue(terminate.contains("terminate completed successfully"), terminate);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String isakmp;
    String ipsec;
    boolean gone;
    do {
      isakmp = exec("lcgwa", run, "show crypto isakmp sa");
      ipsec = exec("lcgwa", run, "show crypto ipsec sa");
      gone = !isakmp.contains("172.31.255.2") && !ipsec.contains("spi: 0x");
    } while (!gone && System.nanoTime() < deadline);
    System.out.println("after strongSwan's DELETE: show crypto isakmp sa\n" + isakmp + "show crypto ipsec sa\n"
        + ipsec);
    assertFalse(isakmp.contains("172.31.255.2"), isakmp);
    assertFalse(ipsec.contains("spi: 0x"), ipsec);
    String theirs = harness(run, "lc", Map.of(), "sw.sh", "lcgwb", "--list-sas");
    assertFalse(theirs.contains("ESTABLISHED") || theirs.contains("INSTALLED"), theirs);
    awaitFile(gatewayLog, "Crypto tunnel is DOWN. Peer 172.31.255.2:4500 Id: 172.31.255.2", 5);
  }

  /** {netn, in-SPI, out-SPI} of every Child SA strongSwan established, oldest first. */
  private static List<String[]> established(String charonLog) {
    List<String[]> all = new ArrayList<>();
    Matcher m = ESTABLISHED.matcher(charonLog);
    while (m.find()) {
      // charon logs the line to its file log and its stdout log, both in charon.log
      if (all.isEmpty() || !all.getLast()[0].equals(m.group(1))) {
        all.add(new String[] {m.group(1), m.group(2), m.group(3)});
      }
    }
    assertFalse(all.isEmpty(), charonLog);
    return all;
  }
}
