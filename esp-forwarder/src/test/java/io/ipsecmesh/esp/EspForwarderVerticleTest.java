package io.ipsecmesh.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two forwarder verticles in two (non-clustered) Vert.x instances on loopback addresses, with
 * in-process inner ports: manual keying from {@code config.changed}, ESP over real UDP sockets, and
 * the bus contract (ike.tx / ike.punt, natk.send, fwd.activity, sa.child.installed/deleted, the
 * counters map). No root needed.
 */
class EspForwarderVerticleTest extends ForwarderPairTestBase {

  /** Where the forwarders keep the high-water marks of their manual SAs. */
  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path STATE;
  private static final String A = "127.0.0.91";
  private static final String B = "127.0.0.92";

  @BeforeEach
  void start() throws Exception {
    fa = deploy(va, portA, A, "fwd-a");
    fb = deploy(vb, portB, B, "fwd-b");
    manuallyKeyed(A, B, "10.91.11.0", "10.91.12.0");
  }

  private static EspForwarderVerticle deploy(Vertx v, InProcessPacketPort port, String bind, String id)
      throws Exception {
    return deploy(v, port, new JsonObject().put("stateDir", STATE.toString()).put("bindAddress", bind)
        .put("port", 4500).put("udpGro", false).put("forwarderId", id).put("ikePuntPerSource", 5));
  }

  @Test
  void manuallyKeyedPacketCrossesRealUdpSockets() throws Exception {
    byte[] inner = Packets.udp4(new int[] {10, 91, 11, 5}, new int[] {10, 91, 12, 5}, 1, 2, 300);
    portA.inject(inner);
    assertArrayEquals(inner, portB.poll(10_000));
    byte[] reply = Packets.udp4(new int[] {10, 91, 12, 5}, new int[] {10, 91, 11, 5}, 2, 1, 30);
    portB.inject(reply);
    assertArrayEquals(reply, portA.poll(10_000));
  }

  /**
   * Gateway A's forwarder is restarted mid-SA (undeployed, a new one deployed with the same state directory):
   * the manual SA resumes above every number the first one may have sent. B, not restarted, proves it on the
   * wire: its anti-replay window would drop any number it had already seen.
   */
  @Test
  void aRestartedForwarderNeverReusesASequenceNumberOfItsManualSa() throws Exception {
    byte[] inner = Packets.udp4(new int[] {10, 91, 11, 5}, new int[] {10, 91, 12, 5}, 1, 2, 300);
    for (int i = 0; i < 3; i++) {
      portA.inject(inner);
      assertArrayEquals(inner, portB.poll(10_000));
    }
    long firstRunNext = fa.dataPlane().sad().get(ManualKeyConfigs.SPI_B_TO_A).outbound().nextSequence();
    long firstRunLimit = fa.dataPlane().sad().get(ManualKeyConfigs.SPI_B_TO_A).outbound().sequenceLimit();

    String id = va.deploymentIDs().iterator().next();
    va.undeploy(id).await(20, TimeUnit.SECONDS);
    InProcessPacketPort again = new InProcessPacketPort("a2");
    EspForwarderVerticle restarted = deploy(va, again, A, "fwd-a");
    va.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        new ConfigMessages.ConfigChanged(1, ManualKeyConfigs.gatewayA(A, B, "10.91.11.0", "10.91.12.0")));
    await(va, () -> restarted.dataPlane().sad().pairs().size() == 1);
    for (int i = 0; i < 3; i++) {
      again.inject(inner);
      assertArrayEquals(inner, portB.poll(10_000), "B accepts the restarted forwarder's packets: no replay");
    }
    long secondRunNext = restarted.dataPlane().sad().get(ManualKeyConfigs.SPI_B_TO_A).outbound().nextSequence();
    long secondRunFirst = secondRunNext - 3;
    assertTrue(secondRunFirst > firstRunNext - 1, "numbers after the restart (from " + secondRunFirst
        + ") lie above those before it (up to " + (firstRunNext - 1) + ")");
    assertEquals(firstRunLimit + 1, secondRunFirst, "it resumes right above the block the first run held");
    assertEquals(0, fb.dataPlane().sad().get(ManualKeyConfigs.SPI_A_TO_B).inbound().replayFailures());
  }

  @Test
  void activityAndCountersAreReportedAboutOnceASecond() throws Exception {
    CompletableFuture<FwdMessages.ActivitySummary> activity = new CompletableFuture<>();
    va.eventBus().<FwdMessages.ActivitySummary>consumer(FwdMessages.ACTIVITY, m -> {
      if (!m.body().activity().isEmpty()) {
        activity.complete(m.body());
      }
    });
    portA.inject(Packets.udp4(new int[] {10, 91, 11, 5}, new int[] {10, 91, 12, 5}, 1, 2, 300));
    FwdMessages.SaActivity a = activity.get(5, TimeUnit.SECONDS).activity().get(0);
    assertEquals(ManualKeyConfigs.SPI_B_TO_A, a.inboundSpi());
    assertTrue(a.sent());
    var counters = Cluster.map(va, SharedMaps.SA_COUNTERS);
    String key = SharedMaps.spiKey(ManualKeyConfigs.SPI_B_TO_A);
    await(va, () -> counters.get(key) != null
        && RecordJson.fromJson(new JsonObject(counters.get(key)), SaCounters.class).encaps() == 1);
    SaCounters c = RecordJson.fromJson(new JsonObject(counters.get(key)), SaCounters.class);
    assertEquals(ManualKeyConfigs.SPI_A_TO_B, c.currentOutboundSpi());
    assertEquals("esp-aes 256 esp-sha256-hmac", c.transform());
    assertEquals(-1, c.remainingSeconds(), "manual SAs have no lifetime");
  }

  @Test
  void ikeTxGoesOutWithMarkerAndArrivesAsPunt() throws Exception {
    CompletableFuture<IkeMessages.IkeDatagram> punted = new CompletableFuture<>();
    vb.eventBus().<IkeMessages.IkeDatagram>consumer(FwdMessages.IKE_PUNT, m -> punted.complete(m.body()));
    byte[] ike = new byte[40];
    ike[17] = 0x20;
    ike[18] = 35;
    va.eventBus().send(IkeMessages.IKE_TX, new IkeMessages.IkeDatagram(A, 4500, B, 4500, ike));
    IkeMessages.IkeDatagram d = punted.get(10, TimeUnit.SECONDS);
    assertArrayEquals(ike, d.message());
    assertEquals(A, d.peerAddress());
    assertEquals(4500, d.peerPort());
  }

  @Test
  void ikeFromOneSourceBeyondItsPuntRateIsDroppedAndCounted() throws Exception {
    java.util.concurrent.atomic.AtomicInteger punted = new java.util.concurrent.atomic.AtomicInteger();
    vb.eventBus().<IkeMessages.IkeDatagram>consumer(FwdMessages.IKE_PUNT, m -> punted.incrementAndGet());
    byte[] ike = new byte[40];
    ike[17] = 0x20;
    ike[18] = 35;
    for (int i = 0; i < 30; i++) {
      va.eventBus().send(IkeMessages.IKE_TX, new IkeMessages.IkeDatagram(A, 4500, B, 4500, ike));
    }
    // --ikePuntPerSource 5: a burst of five, five a second after it; 30 datagrams sent at once cannot all pass
    var limiter = fb.dataPlane().inbound().puntRateLimiter();
    await(vb, () -> fb.dataPlane().stats().ikePunted() + limiter.droppedPerSource() == 30);
    assertTrue(limiter.droppedPerSource() > 0, "dropped: " + limiter.droppedPerSource());
    await(vb, () -> punted.get() == fb.dataPlane().stats().ikePunted());
    assertEquals(0, limiter.droppedGlobal());
  }

  @Test
  void natKeepalivesAreSentAndCountedOnReceipt() throws Exception {
    va.eventBus().send(NatKeepaliveMessages.SEND, new NatKeepaliveMessages.SendKeepalives(List.of(
        new NatKeepaliveMessages.Target(A, 4500, B, 4500), new NatKeepaliveMessages.Target(A, 4500, B, 4500))));
    await(vb, () -> fb.dataPlane().stats().natKeepalivesReceived() == 2);
  }

  @Test
  void childSaFromIkeServiceIsInstalledFollowsTheNatMappingAndIsDeleted() throws Exception {
    ChildSa sa = negotiated("01:02", 12, 0xC0FFEE01L, 0xC0FFEE02L, EspTransform.AES_GCM_256);
    va.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(sa));
    await(va, () -> fa.dataPlane().sad().get(0xC0FFEE01L) != null);
    assertNotNull(fa.dataPlane().sad().tables().inbound(0xC0FFEE01));
    var installed = fa.dataPlane().sad().get(0xC0FFEE01L);
    // IKE re-announces the SA after the peer's NAT mapping moved: same SA object, new destination
    ChildSa moved = new ChildSa(sa.ikeSaId(), sa.connectionId(), sa.cryptoMap(), sa.mapSequence(), sa.inboundSpi(),
        sa.outboundSpi(), sa.transform(), sa.mode(), sa.udpEncapsulation(), sa.esn(), sa.replayWindow(),
        sa.localAddress(), sa.localPort(), sa.peerAddress(), 4501, sa.localSelectors(), sa.remoteSelectors(),
        sa.lifetime(), sa.idleTimeSeconds(), sa.dfBit(), sa.wrappedInboundKeys(), sa.wrappedOutboundKeys(),
        sa.createdEpochMillis());
    va.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(moved));
    await(va, () -> installed.outbound().peer().address().getPort() == 4501);
    assertEquals(installed, fa.dataPlane().sad().get(0xC0FFEE01L), "keys and replay window kept");
    // ... and back: a NAT may hand out the earlier port again
    va.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(sa));
    await(va, () -> installed.outbound().peer().address().getPort() == 4500);
    va.eventBus().publish(SaMessages.CHILD_DELETED, new SaMessages.ChildSaDeleted(0xC0FFEE01L, 0xC0FFEE02L, B,
        "delete"));
    await(va, () -> fa.dataPlane().sad().get(0xC0FFEE01L) == null);
  }

  /** A Child SA as ike-service announces it: A's LAN to B's, UDP-encapsulated, zero keys wrapped. */
  private static ChildSa negotiated(String ikeSaId, int connId, long inSpi, long outSpi, EspTransform t) {
    KeyWrap w = KeyWrap.fromEnvironment();
    byte[] k = new byte[t.keyMaterialBytes()];
    return new ChildSa(ikeSaId, connId, "VPN", 10, inSpi, outSpi, t, ChildSa.Mode.TUNNEL, true, true, 128, A, 4500, B,
        4500, List.of(TrafficSelector.anyPorts("10.91.11.0", "10.91.11.255")),
        List.of(TrafficSelector.anyPorts("10.91.12.0", "10.91.12.255")), new ChildSa.Lifetime(3240, 3600, 0, 0), 0,
        "copy", w.wrap(k), w.wrap(k), System.currentTimeMillis());
  }

  @Test
  void anInstallTheResponderWaitsForIsConfirmedOnceItsInboundHalfDecrypts() throws Exception {
    ChildSa sa = negotiated("01:03", 13, 0xC0FFEE11L, 0xC0FFEE12L, EspTransform.AES_GCM_128);
    String ikeService = SaMessages.CHILD_ACCEPTED_PREFIX + "test";
    CompletableFuture<Boolean> decryptsWhenConfirmed = new CompletableFuture<>();
    va.eventBus().<SaMessages.ChildSaAccepted>consumer(ikeService, m -> decryptsWhenConfirmed.complete(
        m.body().inboundSpi() == 0xC0FFEE11L && fa.dataPlane().sad().tables().inbound(0xC0FFEE11) != null));
    va.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(sa, ikeService));
    assertTrue(decryptsWhenConfirmed.get(10, TimeUnit.SECONDS), "confirmed, and ESP on the SPI decrypts by then");
  }

  @Test
  void olderConfigurationIsIgnoredAndChangedKeysReplaceTheSa() throws Exception {
    assertNotNull(fa.dataPlane().sad().get(ManualKeyConfigs.SPI_B_TO_A));
    va.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(0,
        ManualKeyConfigs.gateway(A, B, "10.91.11.0", "10.91.12.0", 0x7777, ManualKeyConfigs.KEY_B_TO_A, 0x8888,
            ManualKeyConfigs.KEY_A_TO_B, io.ipsecmesh.proto.config.SaSettings.INHERIT)));
    va.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(2,
        ManualKeyConfigs.gateway(A, B, "10.91.11.0", "10.91.12.0", 0x5555, ManualKeyConfigs.KEY_B_TO_A, 0x6666,
            ManualKeyConfigs.KEY_A_TO_B, io.ipsecmesh.proto.config.SaSettings.INHERIT)));
    await(va, () -> fa.dataPlane().sad().get(0x5555) != null && fa.dataPlane().sad().get(ManualKeyConfigs.SPI_B_TO_A) == null);
    assertEquals(1, fa.dataPlane().sad().pairs().size());
    org.junit.jupiter.api.Assertions.assertNull(fa.dataPlane().sad().get(0x7777), "version 0 came after version 1 and was ignored");
  }
}
