package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.policy.PeerAuthorization;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The verticle's bus wiring: a peer engine in the test talks to the deployed IkeVerticle only through
 * {@code ike.punt} / {@code ike.tx} (the forwarder's side of port 4500); the Child SA must land in the
 * shared map and on {@code sa.child.installed}, the IKE SA row in {@code ipsec.ike-sa}; DPD and
 * clear-session requests are answered.
 */
@ExtendWith(VertxExtension.class)
class IkeVerticleTest {

  private static final String GW = "192.0.2.1";
  private static final String PEER = "192.0.2.2";

  static PeerPolicy policy(String local, String peer, String localNet, String remoteNet) {
    return new PeerPolicy("vpn", 10, peer, local, new PeerPolicy.Identity(IkeConstants.ID_IPV4_ADDR, local),
        PeerAuthorization.preShared(List.of(new io.ipsecmesh.proto.config.IdentityMatch(
            io.ipsecmesh.proto.config.IkeIdentity.Type.ADDRESS, peer + " 255.255.255.255", false))),
        "k".getBytes(StandardCharsets.UTF_8), "k".getBytes(StandardCharsets.UTF_8),
        List.of(Proposals.parseSuite("aes128gcm16-prfsha256-x25519")), List.of(EspTransform.AES_GCM_128), null,
        List.of(TrafficSelector.anyPorts(localNet + ".0", localNet + ".255")),
        List.of(TrafficSelector.anyPorts(remoteNet + ".0", remoteNet + ".255")), ChildSa.Mode.TUNNEL, 64, 3600,
        4_608_000, 0, "copy", 86400);
  }

  @Test
  void negotiatesOverPuntAndTxAndPublishesTheChildSa(Vertx vertx, VertxTestContext ctx) throws Throwable {
    JsonObject cfg = new JsonObject().put("ike-bind-address", "127.0.0.1").put("ike-local-address", GW)
        .put("ike-port", "0");
    IkeVerticle gw = new IkeVerticle(List.of(policy(GW, PEER, "10.1.1", "10.2.2")));
    PolicyStore peerPolicies = new PolicyStore();
    peerPolicies.replace(List.of(policy(PEER, GW, "10.2.2", "10.1.1")));
    IkeEventSink quiet = new IkeEventSink() {
      public void childSaInstalled(ChildSa sa) {}
      public void childSaDeleted(SaMessages.ChildSaDeleted d) {}
      public void childSaRebound(ChildSa sa) {}
      public void ikeSaUp(IkeSaSummary s, String m, int q) {}
      public void ikeSaDown(IkeSaSummary s, String r) {}
      public void summaryChanged(IkeSaSummary s) {}
      public void livenessProof(String id, String a) {}
    };
    // the peer pretends to sit behind the forwarder: everything it sends arrives via ike.punt on 4500
    IkeEngine peer = new IkeEngine(new VertxScheduler(vertx), (la, lp, pa, pp, m) -> vertx.eventBus().publish(
        FwdMessages.IKE_PUNT, new IkeMessages.IkeDatagram(GW, 4500, PEER, 4500, m)), quiet, peerPolicies,
        new KeyWrap(new byte[32]), RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, System::currentTimeMillis);
    vertx.eventBus().<IkeMessages.IkeDatagram>consumer(IkeMessages.IKE_TX, m -> {
      IkeMessages.IkeDatagram d = m.body();
      ctx.verify(() -> {
        assertEquals(PEER, d.peerAddress());
        assertEquals(4500, d.localPort());
      });
      peer.receive(PEER, 4500, GW, 4500, d.message());
    });
    // the bus announcement comes first and the IKE_AUTH answer waits until the forwarder (this test) confirms it
    // (RFC 7296 2.8); the shared map follows for late joiners and show, so the test waits for it with a deadline
    vertx.eventBus().<SaMessages.ChildSaInstalled>consumer(SaMessages.CHILD_INSTALLED, m -> {
      ctx.verify(() -> assertNotNull(m.body().acceptedTo(), "the responder asks its forwarder to confirm"));
      vertx.eventBus().send(m.body().acceptedTo(), new SaMessages.ChildSaAccepted(m.body().sa().inboundSpi()));
    });
    vertx.eventBus().<SaMessages.ChildSaInstalled>consumer(SaMessages.CHILD_INSTALLED, m -> whenStored(vertx,
        m.body().sa().key(), System.currentTimeMillis() + 5000, stored -> ctx.verify(() -> {
      ChildSa sa = m.body().sa();
      assertNotNull(stored, "Child SA in ipsec.child-sa");
      assertEquals(sa.outboundSpi(), RecordJson.fromJson(new JsonObject(stored), ChildSa.class).outboundSpi());
      assertTrue(sa.udpEncapsulation(), "IKE came on 4500: UDP encapsulation");
      String row = Cluster.map(vertx, SharedMaps.IKE_SAS).get(sa.ikeSaId());
      assertNotNull(row, "IKE SA row for show crypto isakmp sa");
      assertEquals("READY", RecordJson.fromJson(new JsonObject(row), IkeSaSummary.class).state());
      assertTrue(counter("ipsecmesh_ike_messages_received", "IKE_AUTH") >= 1, "metrics count IKE_AUTH");
      vertx.eventBus().<DpdMessages.ProbeOutcome>request(DpdMessages.PROBE,
          new DpdMessages.ProbeRequest(sa.ikeSaId(), PEER, 0, 2000)).onComplete(ctx.succeeding(ack -> {
            ctx.verify(() -> assertTrue(ack.body().acknowledged()));
            // the peer answered the probe, so it had the IKE_AUTH answer
            ctx.verify(() -> assertTrue(counter("ipsecmesh_ike_messages_sent", "IKE_AUTH") >= 1));
            vertx.eventBus().<MgmtMessages.ClearSessionResult>request(MgmtMessages.CLEAR_SESSION,
                new MgmtMessages.ClearSession(PEER)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
                  assertEquals(1, r.body().ikeSasDeleted());
                  assertEquals(1, r.body().childSasDeleted());
                  ctx.completeNow();
                })));
          }));
    })));
    vertx.deployVerticle(gw, new DeploymentOptions().setConfig(cfg)).onComplete(ctx.succeeding(id ->
        vertx.runOnContext(v -> {
          // NAT-D of a peer "behind" the forwarder's 4500 mapping: initiate as if from port 500
          peer.initiate(peerPolicies.all().get(0));
        })));
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
    if (ctx.failed()) {
      throw ctx.causeOfFailure();
    }
  }

  /** Hands the shared-map value of a Child SA to {@code then} once it is there, polling until the deadline. */
  private static void whenStored(Vertx vertx, String key, long deadline,
      java.util.function.Consumer<String> then) {
    String stored = Cluster.map(vertx, SharedMaps.CHILD_SAS).get(key);
    if (stored != null || System.currentTimeMillis() > deadline) {
      then.accept(stored);
    } else {
      vertx.setTimer(10, id -> whenStored(vertx, key, deadline, then));
    }
  }

  @Test
  void dpdProbeForAnUnknownSaIsNotAcknowledged(Vertx vertx, VertxTestContext ctx) {
    JsonObject cfg = new JsonObject().put("ike-bind-address", "127.0.0.1").put("ike-port", "0");
    vertx.deployVerticle(new IkeVerticle(List.of()), new DeploymentOptions().setConfig(cfg))
        .compose(id -> vertx.eventBus().<DpdMessages.ProbeOutcome>request(DpdMessages.PROBE,
            new DpdMessages.ProbeRequest("00:00", PEER, 0, 1000)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertFalse(r.body().acknowledged());
          ctx.completeNow();
        })));
  }

  /** A labelled counter of the default registry (the one the service exposes). */
  private static double counter(String name, String exchange) {
    return counter(name, "exchange", exchange);
  }

  /** The sum of counter {@code name} over its data points whose {@code label} is {@code value}. */
  private static double counter(String name, String label, String value) {
    return sum(name, d -> value.equals(d.getLabels().get(label)));
  }

  private static double sum(String name,
      java.util.function.Predicate<io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot> which) {
    return io.ipsecmesh.proto.runtime.Metrics.registry().scrape().stream()
        .filter(m -> m.getMetadata().getName().equals(name))
        .flatMap(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().stream())
        .filter(which)
        .mapToDouble(io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  /**
   * Call admission by load through the production path: ike-service's event loop (the only one of this Vert.x) is
   * held while 200 IKE_SA_INIT requests from as many new initiators queue in its real UDP socket, far above a 4 KiB
   * threshold. Once the loop runs again every request is either answered (here NO_PROPOSAL_CHOSEN: no crypto map
   * peer) or shed and counted, some are shed, and a request after the backlog is read is answered.
   */
  @Test
  void newSasWaitingInABackloggedSocketAreShedAndCounted() throws Throwable {
    int port = freeUdpPort();
    Vertx oneLoop = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
    try (java.net.DatagramSocket initiators = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      double shedBefore = dropped("load");
      JsonObject cfg = onLoopback(port, initiators.getLocalPort()).put("ike-shed-backlog-kb", "4");
      oneLoop.deployVerticle(new IkeVerticle(List.of()), new DeploymentOptions().setConfig(cfg))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      holdTheLoop(oneLoop, 500);
      java.net.InetSocketAddress gw = new java.net.InetSocketAddress("127.0.0.1", port);
      for (int i = 1; i <= 200; i++) {
        byte[] init = IkeCodec.encode(new IkeMessage(new IkeHeader(i, 0, 0, 2, 0, IkeConstants.IKE_SA_INIT,
            IkeConstants.FLAG_INITIATOR, 0, 0), List.of()));
        initiators.send(new java.net.DatagramPacket(init, init.length, gw));
      }
      initiators.setSoTimeout(100);
      int answered = 0;
      byte[] buf = new byte[2048];
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (answered + dropped("load") - shedBefore < 200 && System.nanoTime() < deadline) {
        try {
          initiators.receive(new java.net.DatagramPacket(buf, buf.length));
          answered++;
        } catch (java.net.SocketTimeoutException notYet) {
          // the rest may be shed: counted, not answered
        }
      }
      double shed = dropped("load") - shedBefore;
      System.out.printf("200 IKE_SA_INIT behind a held loop: %d answered, %.0f shed%n", answered, shed);
      assertTrue(shed > 0, "a backlog of 200 requests is far above 4 KiB");
      assertEquals(200, answered + shed, "each one answered or shed, none lost unaccounted");

      // the backlog read, a new initiator gets its answer (the next reading of the socket may take 100 ms)
      boolean admitted = false;
      initiators.setSoTimeout(300);
      for (int attempt = 0; attempt < 10 && !admitted; attempt++) {
        byte[] init = IkeCodec.encode(new IkeMessage(new IkeHeader(1000 + attempt, 0, 0, 2, 0,
            IkeConstants.IKE_SA_INIT, IkeConstants.FLAG_INITIATOR, 0, 0), List.of()));
        initiators.send(new java.net.DatagramPacket(init, init.length, gw));
        try {
          initiators.receive(new java.net.DatagramPacket(buf, buf.length));
          admitted = true;
        } catch (java.net.SocketTimeoutException shedAgain) {
          // its retransmission comes with the next attempt
        }
      }
      assertTrue(admitted, "answered once the socket was read");
    } finally {
      oneLoop.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The IKE socket overflows behind a held loop: ike-service counts the datagrams the kernel dropped and announces
   * them on {@code ike.receive-loss}, from which dpd-service learns that a probe unanswered meanwhile proves nothing.
   */
  @Test
  void datagramsTheIkeSocketDroppedAreCountedAndAnnouncedToDpd() throws Throwable {
    int port = freeUdpPort();
    Vertx oneLoop = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
    try (java.net.DatagramSocket peer = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      double before = total("ipsecmesh_ike_socket_drops");
      JsonObject cfg = onLoopback(port, peer.getLocalPort());
      oneLoop.deployVerticle(new IkeVerticle(List.of()), new DeploymentOptions().setConfig(cfg))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      java.util.concurrent.CompletableFuture<IkeMessages.ReceiveLoss> announced =
          new java.util.concurrent.CompletableFuture<>();
      oneLoop.eventBus().<IkeMessages.ReceiveLoss>consumer(IkeMessages.RECEIVE_LOSS, m -> announced.complete(m.body()))
          .completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      holdTheLoop(oneLoop, 1000);
      // 17 MB of datagrams against a receive buffer of at most 8 MB (4 MB asked, doubled by the kernel)
      byte[] junk = new byte[1400];
      java.net.InetSocketAddress gw = new java.net.InetSocketAddress("127.0.0.1", port);
      for (int i = 0; i < 12_000; i++) {
        peer.send(new java.net.DatagramPacket(junk, junk.length, gw));
      }
      IkeMessages.ReceiveLoss loss = announced.get(10, TimeUnit.SECONDS);
      assertEquals("udp/" + port, loss.socket());
      assertTrue(loss.dropped() > 0, "the first report names what was lost: " + loss);
      assertTrue(total("ipsecmesh_ike_socket_drops") - before >= loss.dropped(), "and the counter has it");
    } finally {
      oneLoop.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static double total(String name) {
    return sum(name, d -> true);
  }

  private static int freeUdpPort() throws java.net.SocketException {
    try (java.net.DatagramSocket free = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  /** ike-service on 127.0.0.1:{@code port}, its peers' IKE port {@code peerPort}. */
  private static JsonObject onLoopback(int port, int peerPort) {
    return new JsonObject().put("ike-bind-address", "127.0.0.1").put("ike-port", String.valueOf(port))
        .put("ike-peer-port", String.valueOf(peerPort));
  }

  /** Holds the only event loop of {@code oneLoop} for {@code millis}, from the moment this returns. */
  private static void holdTheLoop(Vertx oneLoop, long millis) throws InterruptedException {
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    oneLoop.runOnContext(v -> {
      held.countDown();
      holdTheLoop(millis);
    });
    held.await(5, TimeUnit.SECONDS);
  }

  /** Holds the calling event loop, as a burst of work would. */
  private static void holdTheLoop(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  private static double dropped(String reason) {
    return counter("ipsecmesh_ike_requests_dropped", "reason", reason);
  }

  @Test
  void deadPeerFailsOverToTheNextPeerOfTheCryptoMap(Vertx vertx, VertxTestContext ctx) {
    // the next peer is a plain UDP socket of the test: the IKE_SA_INIT must arrive there
    io.vertx.core.datagram.DatagramSocket next = vertx.createDatagramSocket();
    next.handler(p -> ctx.verify(() -> {
      io.ipsecmesh.proto.ikev2.IkeHeader h = io.ipsecmesh.proto.ikev2.IkeCodec.decodeHeader(p.data().getBytes());
      assertEquals(IkeConstants.IKE_SA_INIT, h.exchangeType());
      assertFalse(h.isResponse());
      ctx.completeNow();
    }));
    next.listen(0, "127.0.0.2").onComplete(ctx.succeeding(sock -> {
      JsonObject cfg = new JsonObject().put("ike-bind-address", "127.0.0.1").put("ike-port", "0")
          .put("ike-peer-port", String.valueOf(sock.localAddress().port()));
      IkeVerticle gw = new IkeVerticle(List.of(policy("127.0.0.1", "127.0.0.3", "10.1.1", "10.2.2"),
          policy("127.0.0.1", "127.0.0.2", "10.1.1", "10.2.2")));
      vertx.deployVerticle(gw, new DeploymentOptions().setConfig(cfg)).onComplete(ctx.succeeding(id ->
          vertx.eventBus().publish(DpdMessages.PEER_DEAD, new DpdMessages.PeerDead("0000000000000001:0000000000000002",
              "127.0.0.3", 500, 30_000, "127.0.0.3", "127.0.0.2"))));
    }));
  }
}
