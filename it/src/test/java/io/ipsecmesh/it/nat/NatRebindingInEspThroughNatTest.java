package io.ipsecmesh.it.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.it.nat.NatSite.Datagram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * NAT rebinding seen only in ESP: strongSwan behind the real NAT, ours outside, strongSwan without DPD or
 * keepalives so that after setup it sends no IKE at all. The NAT forgets its mappings and remaps
 * strongSwan's 4500; strongSwan's side then pings ours. The echo requests arrive as ESP from the new port,
 * and the replies reach strongSwan's LAN only if our forwarder sends them there (the stale mapping is gone
 * from the NAT), before any IKE message: charon's log shows none sent in between. ike-service then moves
 * the Child SA too ({@code show crypto ipsec sa}, via {@code fwd.nat-mapping}). Needs what
 * {@link NatSite#assumePrerequisites()} checks; namespaces and processes go in {@link #tearDown()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NatRebindingInEspThroughNatTest {

  private NatSite site;

  @BeforeAll
  void setUp() throws Exception {
    NatSite.assumePrerequisites();
    site = NatSite.peerBehindNat("nk4", null);
    site.peerDpdDelay = "0s";
    site.start();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (site != null) {
      site.close();
    }
  }

  @Test
  void authenticatedEspFromANewNatPortMovesOurRepliesBeforeAnyIke() throws Exception {
    site.peerInitiatesAndTheTunnelCarries();
    assertEquals(4500, site.currentPeerPort());

    Path charonLog = site.run.resolve(site.peerNs()).resolve("charon.log");
    long ikeSentBefore = ikeMessagesSent(charonLog);
    long remappedAtMillis = System.currentTimeMillis();
    site.remapNat("40000-40999");

    String ping = site.ping(site.ns("lana"), NatSite.LAN_B_HOST, 3);
    assertTrue(ping.contains("3 received"), "our replies did not follow the new mapping: " + ping
        + "\ngateway log:\n" + site.gatewayLog());
    assertEquals(ikeSentBefore, ikeMessagesSent(charonLog),
        "strongSwan sent IKE in between: this would not prove the ESP path\n" + Files.readString(charonLog));

    // ike-service follows the forwarder's report (once a second) and re-announces the Child SA
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int port = site.currentPeerPort();
    while (port == 4500 && System.nanoTime() < deadline) {
      assertFalse(site.gatewayExited(200), site.gatewayLog());
      port = site.currentPeerPort();
    }
    assertTrue(port >= 40000 && port <= 40999, "the Child SA never followed, still " + port);
    assertTrue(site.gatewayLog().contains("follows its peer to " + NatSite.NAT_OUTSIDE + ":" + port),
        "the forwarder, not IKE, moved it:\n" + site.gatewayLog());

    List<Datagram> capture = site.stopCapture();
    int newPort = port;
    List<Datagram> ours = capture.stream()
        .filter(d -> d.source().equals(NatSite.PEER) && d.epochSeconds() * 1000 >= remappedAtMillis).toList();
    // the capture may miss a datagram (the first run saw 2 of the 3 replies); the ping above is the proof
    // that all three arrived, this shows where they went
    assertFalse(ours.isEmpty(), "capture: " + capture);
    assertTrue(ours.stream().allMatch(d -> d.destinationPort() == newPort),
        "no reply to the stale mapping: " + ours);
    System.out.printf("nk4: NAT remapped 4500 -> %d with only ESP flowing; our %d replies all went there, "
        + "no IKE from strongSwan in between%n", newPort, ours.size());
  }

  /** charon logs each IKE message it sends ("sending packet: from … to …"). */
  private static long ikeMessagesSent(Path charonLog) throws Exception {
    return Files.readString(charonLog).lines().filter(l -> l.contains("sending packet:")).count();
  }
}
