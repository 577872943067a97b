package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The peer "a" sits behind a NAT that gives it another outside port while only ESP flows. "b" (not
 * behind a NAT) must send its next ESP to the port the peer's authenticated ESP came from (RFC 7296
 * §2.23, RFC 3948) and tell the control plane once per tick; a packet failing the ICV or the replay
 * check moves nothing, and an SA that knows we are behind the NAT ourselves never follows.
 */
class NatMappingFollowTest {

  private static final InetSocketAddress A_WAN = new InetSocketAddress("172.31.250.1", 4500);
  private static final InetSocketAddress A_REMAPPED = new InetSocketAddress("172.31.250.1", 31000);
  private static final int[] HOST_A = {10, 91, 11, 10};
  private static final int[] HOST_B = {10, 91, 12, 10};

  private TestGateway a;
  private TestGateway b;
  private final List<FwdMessages.NatMapping> signalled = new ArrayList<>();
  private SaSupervisor supervisor;

  @BeforeEach
  void setUp() {
    a = new TestGateway().configure(
        ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0"));
    b = new TestGateway().configure(
        ManualKeyConfigs.gatewayB("172.31.250.2", "172.31.250.1", "10.91.12.0", "10.91.11.0"));
    supervisor = new SaSupervisor("fwd-b", b.sad, b.plane.acquires(), b.plane.invalidSpis(), new VirtualScheduler(),
        new SaSupervisor.Sink() {
          public void acquire(FwdMessages.Acquire x) {}

          public void invalidSpi(FwdMessages.InvalidSpi x) {}

          public void expired(FwdMessages.SaExpired x) {}

          public void idle(FwdMessages.SaIdle x) {}

          public void activity(FwdMessages.ActivitySummary x) {}

          public void counters(List<SaCounters> x) {}

          public void log(String line) {}

          public void reserveSequences(SaPair pair) {}

          public void natMapping(FwdMessages.NatMapping moved) {
            signalled.add(moved);
          }
        }, () -> "172.31.250.2");
  }

  private byte[] espFromA() {
    a.port.inject(Packets.udp4(HOST_A, HOST_B, 40000, 5201, 100));
    return a.sent.packets.poll().packet();
  }

  /** Where b's next ESP towards a goes. */
  private InetSocketAddress bSendsTo() {
    b.port.inject(Packets.udp4(HOST_B, HOST_A, 5201, 40000, 10));
    TestGateway.CapturingSender.Sent s = b.sent.packets.poll();
    assertNotNull(s, "b sent nothing");
    return s.to();
  }

  @Test
  void authenticatedEspFromANewPortMovesTheOutboundSaAtOnceAndIsSignalledOnce() throws Exception {
    b.receive(espFromA(), A_WAN);
    assertNotNull(b.port.poll(0));
    assertEquals(A_WAN, bSendsTo());

    b.receive(espFromA(), A_REMAPPED);
    assertNotNull(b.port.poll(0), "the packet itself is delivered");
    assertEquals(A_REMAPPED, bSendsTo(), "the reply goes to the new mapping, before any IKE message");
    b.receive(espFromA(), A_REMAPPED);
    assertEquals(1, b.onlySa().inbound().peerMoves(), "the same port again is no move");

    supervisor.tick();
    assertEquals(List.of(new FwdMessages.NatMapping("fwd-b", ManualKeyConfigs.SPI_A_TO_B,
        ManualKeyConfigs.SPI_B_TO_A, "172.31.250.1", 4500, 31000)), signalled);
    supervisor.tick();
    assertEquals(1, signalled.size(), "nothing new, nothing said");
  }

  @Test
  void forgedOrReplayedEspFromANewPortChangesNothing() throws Exception {
    byte[] genuine = espFromA();
    b.receive(genuine.clone(), A_WAN);
    // an attacker replays a captured packet from its own port: the window refuses it
    b.receive(genuine.clone(), A_REMAPPED);
    assertEquals(1, b.onlySa().inbound().replayFailures());
    // ... or forges one: the ICV refuses it
    byte[] forged = espFromA();
    forged[forged.length - 20] ^= 1;
    b.receive(forged, A_REMAPPED);
    assertEquals(1, b.onlySa().inbound().authFailures());

    assertEquals(A_WAN, bSendsTo());
    assertEquals(0, b.onlySa().inbound().peerMoves());
    supervisor.tick();
    assertTrue(signalled.isEmpty());
  }

  @Test
  void anotherAddressIsNotFollowed() throws Exception {
    b.receive(espFromA(), new InetSocketAddress("172.31.250.9", 31000));
    assertNotNull(b.port.poll(0));
    assertEquals(A_WAN, bSendsTo());
    supervisor.tick();
    assertTrue(signalled.isEmpty());
  }

  @Test
  void anSaThatKnowsWeAreBehindTheNatDoesNotFollow() throws Exception {
    ChildSa c = b.onlySa().sa();
    ChildSa behind = new ChildSa(c.ikeSaId(), c.connectionId(), c.cryptoMap(), c.mapSequence(), c.inboundSpi(),
        c.outboundSpi(), c.transform(), c.mode(), c.udpEncapsulation(), c.esn(), c.replayWindow(), c.localAddress(),
        c.localPort(), c.peerAddress(), c.peerPort(), c.localSelectors(), c.remoteSelectors(), c.lifetime(),
        c.idleTimeSeconds(), c.dfBit(), c.wrappedInboundKeys(), c.wrappedOutboundKeys(), c.createdEpochMillis(),
        true);
    b.install(b.factory.build(behind, true, b.sad.spd()));
    b.receive(espFromA(), A_REMAPPED);
    assertNotNull(b.port.poll(0), "delivered, just not followed");
    assertEquals(A_WAN, bSendsTo());
    supervisor.tick();
    assertTrue(signalled.isEmpty());
  }

  @Test
  void aMappingThatMovesBackReusesTheEndpointItLeft() throws Exception {
    b.receive(espFromA(), A_WAN);
    PeerEndpoint original = b.onlySa().outbound().peer();
    b.receive(espFromA(), A_REMAPPED);
    PeerEndpoint moved = b.onlySa().outbound().peer();
    b.receive(espFromA(), A_WAN);
    assertSame(original, b.onlySa().outbound().peer(), "no new endpoint built for a port seen just before");
    b.receive(espFromA(), A_REMAPPED);
    assertSame(moved, b.onlySa().outbound().peer());
    assertEquals(3, b.onlySa().inbound().peerMoves());
    supervisor.tick();
    assertEquals(1, signalled.size(), "three moves in one tick: one message with where it sends now");
    assertEquals(31000, signalled.getFirst().peerPort());
  }
}
