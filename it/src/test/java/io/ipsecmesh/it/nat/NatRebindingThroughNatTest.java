package io.ipsecmesh.it.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.it.nat.NatSite.Datagram;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * NAT rebinding through a real NAT: strongSwan sits behind the NAT namespace, our gateway outside. The
 * NAT then forgets its mappings and maps strongSwan's port 4500 to another outside port. strongSwan's
 * next authenticated IKE message (a DPD request, every 5 s) arrives from that port; our gateway must
 * follow it (RFC 7296 §2.23) with the IKE SA, the Child SA in the shared state ({@code show crypto ipsec
 * sa}), the forwarder's ESP (a ping's reply only reaches lana through the new mapping) and
 * nat-keepalive's keepalives. Needs what {@link NatSite#assumePrerequisites()} checks; namespaces and
 * processes go in {@link #tearDown()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NatRebindingThroughNatTest {

  private NatSite site;

  @BeforeAll
  void setUp() throws Exception {
    NatSite.assumePrerequisites();
    site = NatSite.peerBehindNat("nk3", 10).start();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (site != null) {
      site.close();
    }
  }

  @Test
  void authenticatedIkeFromANewNatPortMovesIkeEspAndKeepalives() throws Exception {
    site.peerInitiatesAndTheTunnelCarries();
    // the masquerade kept strongSwan's source port at first
    assertEquals(4500, currentPeerPort());

    site.remapNat("40000-40999");
    // strongSwan's next DPD request leaves through a new mapping; polled with a deadline, the gateway's
    // liveness checked meanwhile
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int port = currentPeerPort();
    while (port == 4500 && System.nanoTime() < deadline) {
      assertFalse(site.gatewayExited(500), site.gatewayLog());
      port = currentPeerPort();
    }
    assertTrue(port >= 40000 && port <= 40999, "the Child SA never followed the new mapping, still " + port
        + "\ncharon log:\n" + Files.readString(site.run.resolve(site.peerNs()).resolve("charon.log")));
    long followedAtMillis = System.currentTimeMillis();

    // ESP both ways: the echo reply reaches lana only if the forwarder sends to the new port
    String ping = site.ping(site.ns("lana"), NatSite.LAN_B_HOST, 3);
    assertTrue(ping.contains("3 received"), ping + "\ngateway log:\n" + site.gatewayLog());

    // nat-keepalive's next keepalive (10 s ±5 % after the ping, +1 s activity summary) goes there too
    long sent = site.metric("ipsecmesh_natk_keepalives_sent");
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (site.metric("ipsecmesh_natk_keepalives_sent") == sent && System.nanoTime() < deadline) {
      assertFalse(site.gatewayExited(500), site.gatewayLog());
    }
    assertTrue(site.metric("ipsecmesh_natk_keepalives_sent") > sent, "no keepalive within 20 s");
    // counted when nat-keepalive hands the batch to the bus; the forwarder sends it a bus hop later
    assertFalse(site.gatewayExited(1000), site.gatewayLog());
    List<Datagram> capture = site.stopCapture();
    int newPort = port;
    List<Datagram> ours = capture.stream()
        .filter(d -> d.source().equals(NatSite.PEER) && d.epochSeconds() * 1000 >= followedAtMillis).toList();
    assertTrue(ours.stream().anyMatch(d -> d.keepalive() && d.destinationPort() == newPort), "capture: " + ours);
    assertTrue(ours.stream().allMatch(d -> d.destinationPort() == newPort),
        "nothing of ours may go to a stale mapping once followed: " + ours);
    System.out.printf("nk3: NAT remapped 4500 -> %d; after following, %d datagrams of ours all to %d "
        + "(%d keepalives)%n", newPort, ours.size(), newPort, ours.stream().filter(Datagram::keepalive).count());
  }

  /** The Child SA's peer port, UDP-encapsulated. */
  private int currentPeerPort() throws Exception {
    int port = site.currentPeerPort();
    String sa = site.show("show crypto ipsec sa");
    assertTrue(sa.contains("in use settings ={Tunnel UDP-Encaps, }"), sa);
    return port;
  }
}
