package io.ipsecmesh.dpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.DpdMessages.PeerDead;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.FwdMessages.ActivitySummary;
import io.ipsecmesh.proto.bus.FwdMessages.SaActivity;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.IkeMessages.LivenessProof;
import io.ipsecmesh.proto.bus.IkeMessages.PeerDown;
import io.ipsecmesh.proto.bus.IkeMessages.PeerUp;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IsakmpKeepalive;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.ipsecmesh.testsupport.SeedTrace;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import io.ipsecmesh.testsupport.LogMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bus wiring with a real Vert.x. Timers run on a virtual clock that a real periodic timer advances by
 * half a second every 20 ms on the verticle's own event loop, so a 20-second DPD cycle takes under a
 * second. The exact instants are {@link DeadPeerDetectorTest}'s business; this test proves the messages.
 */
@ExtendWith(VertxExtension.class)
class DpdVerticleTest {

  private static final String GREEN_1 = "10.0.0.1";
  private static final PeerUp UP = new PeerUp("c0ffee0000000001:0000000000000002", GREEN_1, 500, GREEN_1, 1,
      "green", 1);

  private final VirtualScheduler clock = new VirtualScheduler();
  private final List<ProbeRequest> probes = new CopyOnWriteArrayList<>();
  private DpdVerticle dpd;

  /** crypto isakmp keepalive … ; crypto map green 1 ipsec-isakmp / set peer 10.0.0.1 / .2 / .3 */
  private static ConfigChanged config(long version, IsakmpKeepalive keepalive) {
    GatewayConfig e = GatewayConfig.empty();
    CryptoMapEntry green = new CryptoMapEntry("green", 1, CryptoMapEntry.Keying.IPSEC_ISAKMP,
        List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), List.of("txfm"), null, null, "101", null, null, null);
    return new ConfigChanged(version, e.toBuilder()
        .isakmpKeepalive(keepalive)
        .cryptoMaps(List.of(green))
        .build());
  }

  /** What the verticle logs, in order. */
  private final LogMessages logCapture = new LogMessages(DpdVerticle.class.getName());
  private final List<String> log = logCapture.messages();

  @AfterEach
  void stopCapture() {
    logCapture.close();
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    BusCodecs.register(vertx);
    dpd = new DpdVerticle(clock, new PrometheusRegistry());
    vertx.deployVerticle(dpd).onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Advances virtual time on the verticle's loop, running {@code eachStep} after every step; starts once the
   * peer is known, so that virtual 0 is the peer-up instant however late the bus delivers it.
   */
  private void drive(Vertx vertx, Consumer<Long> eachStep) {
    boolean[] up = {false};
    vertx.setPeriodic(20, id -> dpd.context().runOnContext(v -> {
      up[0] |= dpd.detector().peers() > 0;
      if (up[0]) {
        clock.advance(500);
        eachStep.accept(clock.nowMillis());
      }
    }));
  }

  @Test
  void silentPeer_fiveProbesThenPeerDeadWithTheNextSetPeer(Vertx vertx, VertxTestContext ctx) throws Exception {
    vertx.eventBus().<ProbeRequest>consumer(DpdMessages.PROBE, m -> {
      probes.add(m.body());
      m.reply(new ProbeOutcome(m.body().ikeSaId(), false)); // ike-service: no R-U-THERE-ACK
    });
    vertx.eventBus().<PeerDead>consumer(DpdMessages.PEER_DEAD, m -> ctx.verify(() -> {
      PeerDead dead = m.body();
      assertEquals(UP.ikeSaId(), dead.ikeSaId());
      assertEquals(GREEN_1, dead.peerAddress());
      assertEquals(500, dead.peerPort());
      assertEquals(20_000, dead.detectedAfterMillis(), "keepalive 10 2 periodic: 10 s silence + 5 × 2 s");
      assertEquals("10.0.0.2", dead.nextPeer(), "stateless failover to the next set peer");
      assertEquals(List.of(0, 1, 2, 3, 4), probes.stream().map(ProbeRequest::attempt).toList());
      assertTrue(probes.stream().allMatch(p -> p.timeoutMillis() == 2_000 && p.peerAddress().equals(GREEN_1)));
      // debug crypto isakmp: the timer side of the seed's trace, line for line (ike-service prints the
      // packet side), then the syslog line
      assertEquals(13, seedTimerLines().size(), "IM_ALIVE, 4 × (counter, PEERS_ALIVE), counter, verdict, status");
      assertEquals(seedTimerLines(), log.stream().filter(l -> l.startsWith("ISAKMP:") || l.startsWith("%"))
          .map(SeedTrace::untagged).toList());
      assertTrue(log.contains("ISAKMP:(" + UP.ikeSaId() + "):peer 10.0.0.1 not responding!"), log.toString());
      assertEquals("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer 10.0.0.1:500 Id: 10.0.0.1", log.getLast());
      ctx.completeNow();
    }));
    vertx.eventBus().publish(MgmtMessages.DEBUG, new MgmtMessages.Debug(MgmtMessages.Facility.ISAKMP, true));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        config(1, new IsakmpKeepalive(10, 2, io.ipsecmesh.proto.config.DpdMode.PERIODIC)));
    vertx.eventBus().publish(IkeMessages.PEER_UP, UP);
    drive(vertx, now -> {});
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }

  /**
   * The seed's lines from the R_U_THERE that goes unanswered (15:47:35) to {@code %CRYPTO-5-SESSION_STATUS}
   * that dpd-service prints: the timer inputs, the error counter, the verdict; the seed's peer is ours.
   */
  private static List<String> seedTimerLines() throws java.io.IOException {
    List<String> out = new java.util.ArrayList<>();
    for (SeedTrace.Entry e : SeedTrace.read(SeedTrace.DPD_DEBUG)) {
      String t = SeedTrace.untagged(e.text()).replace("10.2.80.209", GREEN_1);
      if (e.time().compareTo("Mar 25 15:47:35") < 0) {
        continue;
      }
      if (t.startsWith("Input = IKE_MESG_FROM_TIMER") || t.startsWith("incrementing error counter")
          || t.startsWith("peer ") || t.startsWith("%CRYPTO-5-SESSION_STATUS")) {
        out.add(t);
      }
      if (t.startsWith("%CRYPTO-5-SESSION_STATUS")) {
        break;
      }
    }
    return out;
  }

  @Test
  void acknowledgedProbes_keepThePeerAliveUntilPeerDown(Vertx vertx, VertxTestContext ctx) throws Exception {
    vertx.eventBus().<ProbeRequest>consumer(DpdMessages.PROBE, m -> {
      probes.add(m.body());
      m.reply(new ProbeOutcome(m.body().ikeSaId(), true));
    });
    vertx.eventBus().<PeerDead>consumer(DpdMessages.PEER_DEAD, m -> ctx.failNow("an answering peer died"));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        config(1, new IsakmpKeepalive(10, 2, io.ipsecmesh.proto.config.DpdMode.PERIODIC)));
    vertx.eventBus().publish(IkeMessages.PEER_UP, UP);
    drive(vertx, now -> {
      if (now == 60_000) {
        vertx.eventBus().publish(IkeMessages.PEER_DOWN, new PeerDown(UP.ikeSaId(), GREEN_1, 500, GREEN_1, "delete"));
      } else if (now == 80_000) {
        ctx.verify(() -> {
          assertTrue(probes.size() >= 4, "periodic probes were sent: " + probes);
          assertEquals(0, dpd.detector().peers(), "ike.peer.down removed the peer");
          assertTrue(probes.stream().noneMatch(p -> p.attempt() > 1), "answers stopped retransmissions");
        });
        ctx.completeNow();
      }
    });
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }

  @Test
  void onDemand_outboundActivityFromTheForwarderTriggersTheProbe(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    vertx.eventBus().<ProbeRequest>consumer(DpdMessages.PROBE, m -> ctx.verify(() -> {
      assertEquals(UP.ikeSaId(), m.body().ikeSaId());
      assertEquals(0, m.body().attempt());
      ctx.completeNow();
    }));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        config(1, new IsakmpKeepalive(10, 2, io.ipsecmesh.proto.config.DpdMode.ON_DEMAND)));
    vertx.eventBus().publish(IkeMessages.PEER_UP, UP);
    drive(vertx, now -> vertx.eventBus().publish(FwdMessages.ACTIVITY, new ActivitySummary("fwd-1", now,
        List.of(new SaActivity(0x1001, 0x2002, GREEN_1, 0, true, false)))));
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }

  /**
   * {@code ike.receive-loss} on the bus: while ike-service reports its IKE socket dropping, a silent peer's
   * unanswered probes are repeated after the interval and it is not declared dead; the verticle says so in its log,
   * once per 10 s. (The instants are {@link DeadPeerDetectorTest}'s.)
   */
  @Test
  void ikeSocketLossReported_unansweredProbesAreNotCountedAgainstThePeer(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    vertx.eventBus().<ProbeRequest>consumer(DpdMessages.PROBE, m -> probes.add(m.body())); // never answered
    vertx.eventBus().<PeerDead>consumer(DpdMessages.PEER_DEAD, m -> ctx.failNow("declared dead while our socket dropped"));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        config(1, new IsakmpKeepalive(10, 2, io.ipsecmesh.proto.config.DpdMode.PERIODIC)));
    vertx.eventBus().publish(IkeMessages.PEER_UP, UP);
    drive(vertx, now -> {
      if (now < 60_000) {
        vertx.eventBus().publish(IkeMessages.RECEIVE_LOSS, new IkeMessages.ReceiveLoss("ike-1", "udp/500", 3));
      } else if (now == 60_000) {
        ctx.verify(() -> {
          assertEquals(List.of(0, 0, 0, 0, 0), probes.stream().map(ProbeRequest::attempt).toList(),
              "one probe per interval and retry, none counted: " + probes);
          assertEquals(java.util.Optional.of(LivenessState.PROBING), dpd.detector().state(UP.ikeSaId()));
          assertEquals(6, log.stream().filter(l -> l.contains("ike-1 dropped 3 IKE datagrams at udp/500")).count(),
              "120 reports in a minute, logged once per 10 s: " + log);
        });
        ctx.completeNow();
      }
    });
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }

  @Test
  void ikeLivenessProofs_postponeProbes(Vertx vertx, VertxTestContext ctx) throws Exception {
    long proofsUntil = 30_000;
    vertx.eventBus().<ProbeRequest>consumer(DpdMessages.PROBE, m -> ctx.verify(() -> {
      assertTrue(clock.nowMillis() >= proofsUntil + 10_000 - 1_000,
          "no probe while the peer kept talking; probed at " + clock.nowMillis());
      ctx.completeNow();
    }));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        config(1, new IsakmpKeepalive(10, 2, io.ipsecmesh.proto.config.DpdMode.PERIODIC)));
    vertx.eventBus().publish(IkeMessages.PEER_UP, UP);
    drive(vertx, now -> {
      if (now <= proofsUntil) {
        vertx.eventBus().publish(IkeMessages.LIVENESS_PROOF, new LivenessProof(UP.ikeSaId(), GREEN_1));
      }
    });
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }
  @Test
  void peerWithoutDpd_ikeServiceSaysUnsupported_noRetransmissionsAndNoDeath(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    vertx.eventBus().<ProbeRequest>consumer(DpdMessages.PROBE, m -> {
      probes.add(m.body());
      // an IKEv1 peer that sent no RFC 3706 vendor ID: ike-service refuses to send the R-U-THERE
      m.reply(new ProbeOutcome(m.body().ikeSaId(), false, true));
    });
    vertx.eventBus().<PeerDead>consumer(DpdMessages.PEER_DEAD, m -> ctx.failNow("a peer without DPD was declared dead"));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        config(1, new IsakmpKeepalive(10, 2, io.ipsecmesh.proto.config.DpdMode.PERIODIC)));
    vertx.eventBus().publish(IkeMessages.PEER_UP, UP);
    drive(vertx, now -> {
      if (now == 90_000) {
        ctx.verify(() -> {
          assertEquals(List.of(0), probes.stream().map(ProbeRequest::attempt).toList(), "asked once");
          assertEquals(java.util.Optional.of(LivenessState.ALIVE), dpd.detector().state(UP.ikeSaId()));
          assertTrue(log.stream().anyMatch(l -> l.contains("did not announce DPD")), log.toString());
        });
        ctx.completeNow();
      }
    });
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }
}
