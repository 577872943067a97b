package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.policy.PeerAuthorization;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.v1.Ikev1Hash;
import io.ipsecmesh.ike.v1.Ikev1Policy;
import io.ipsecmesh.ike.v1.Ikev1Service;
import io.ipsecmesh.ike.v1.Ikev1Suite;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Keyring;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Policy;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.Ikev2Proposal;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * IkeVerticle with IKEv1 and IKEv2 side by side, configured as a gateway is ({@code config.changed}): crypto
 * map entry VPN 10 has no {@code set ikev2-profile} and its peer 127.0.0.2 a {@code crypto isakmp key}, so its
 * ACQUIRE starts Main Mode; VPN 20 names an IKEv2 profile for peer 127.0.0.3. The IKEv1 peer (an
 * {@link Ikev1Service} in {@link Peers}) answers on a real UDP socket, so Main Mode reaches the verticle on
 * its port-500 socket; the NAT both sides then detect (the verticle's source port is not 500) moves the rest
 * to port 4500, which, as in the gateway, goes through the forwarder's {@code ike.tx} / {@code ike.punt}
 * (played by the test). The IKEv2 peer talks through {@code ike.punt} only.
 */
@ExtendWith(VertxExtension.class)
class IkeVerticleIkev1Test {

  private static final String GW = "127.0.0.1";
  private static final String V1_PEER = "127.0.0.2";
  private static final String V2_PEER = "127.0.0.3";
  /** The second {@code set peer} of VPN 10 in the failover test. */
  private static final String V1_PEER_2 = "127.0.0.4";
  private static final byte[] V1_KEY = "v1-key-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final byte[] V2_KEY = "v2-key-0123456789".getBytes(StandardCharsets.UTF_8);

  /**
   * crypto isakmp policy 10 / encr aes 256 / hash sha256 / auth pre-share / group 14; crypto isakmp key … address
   * 127.0.0.2; crypto map VPN 10 (IKEv1, ACL 101 to 10.2.0.0/24) and VPN 20 (set ikev2-profile PROF, ACL 102 to
   * 10.3.0.0/24); interface lo with 127.0.0.1 and crypto map VPN.
   */
  private static GatewayConfig config(String... v1Peers) {
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400)))
        .isakmpKeys(java.util.Arrays.stream(v1Peers).map(a -> new IsakmpKey(new String(V1_KEY,
            StandardCharsets.UTF_8), a, null))
            .toList())
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL),
            new TransformSet("TS2", EspTransform.AES_GCM_256, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(v1Peers),
            List.of("TS"),
                null, null, "101", null, null, null),
            new CryptoMapEntry("VPN", 20, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(V2_PEER), List.of("TS2"),
                null, null, "102", "PROF", null, null)))
        .accessLists(List.of(acl("101", "10.2.0.0"), acl("102", "10.3.0.0")))
        .interfaces(List.of(new InterfaceConfig("lo", GW, "255.0.0.0", null, "VPN", null, null)))
        .ikev2Proposals(List.of(new Ikev2Proposal("P", List.of("aes-gcm-256"), List.of("sha384"), List.of("sha256"),
            List.of(19))))
        .ikev2Policies(List.of(new Ikev2Policy("POL", List.of("P"), List.of())))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", List.of(new Ikev2KeyringPeer("B", V2_PEER, null,
            new String(V2_KEY, StandardCharsets.UTF_8), new String(V2_KEY, StandardCharsets.UTF_8))))))
        .ikev2Profiles(List.of(new Ikev2Profile("PROF", List.of(V2_PEER + " 255.255.255.255"), null, "pre-share",
            "pre-share", "KR",
            null, 3600)))
        .build();
  }

  private static AccessList acl(String name, String remoteNet) {
    return new AccessList(name, true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch("10.1.0.0", "0.0.0.255"), null, new AddressMatch(remoteNet, "0.0.0.255"), null, null)));
  }

  /**
   * The far side: an IKEv1 peer on a UDP socket at 127.0.0.2 (port 500 as far as its engine knows) and an IKEv2
   * peer, both on one context. It also plays the forwarder's port 4500: {@code ike.tx} in, {@code ike.punt} out.
   */
  static final class Peers extends AbstractVerticle {
    final Map<String, String> v1Up = new ConcurrentHashMap<>();
    /** ISAKMP datagrams that reached each IKEv1 peer's socket (port 500). */
    final Map<String, AtomicInteger> isakmpAtSocket = new ConcurrentHashMap<>();
    final AtomicInteger isakmpPunted = new AtomicInteger();
    /** Child SAs the IKEv1 peers deleted: their inbound SPI and the reason. */
    final Map<Long, String> v1Deleted = new ConcurrentHashMap<>();
    private final List<String> v1Addresses;
    private final Map<String, Ikev1Service> v1 = new ConcurrentHashMap<>();
    private final Map<String, DatagramSocket> sockets = new ConcurrentHashMap<>();
    /** The port every IKEv1 peer listens on (the gateway's ike-peer-port). */
    volatile int port;
    IkeEngine v2;
    PolicyStore v2Policies = new PolicyStore();
    Peers(String... v1Addresses) {
      this.v1Addresses = List.of(v1Addresses);
    }

    @Override
    public void start(Promise<Void> started) {
      for (String address : v1Addresses) {
        Ikev1Service s = new Ikev1Service(new VertxScheduler(vertx), new IkeEventSink() {
          @Override
          public void ikeSaUp(io.ipsecmesh.proto.sa.IkeSaSummary up, String cryptoMap, int mapSequence) {
            v1Up.put(up.ikeSaId(), address);
          }

          @Override
          public void childSaDeleted(SaMessages.ChildSaDeleted deleted) {
            v1Deleted.put(deleted.inboundSpi(), deleted.reason());
          }
        }, new KeyWrap(new byte[32]), RetransmitPolicy.DEFAULT, this::sendV1);
        s.setPolicies(List.of(new Ikev1Policy("VPN", 10, GW, address,
            new Ikev1Policy.Identity(IsakmpConstants.ID_IPV4_ADDR, address),
            io.ipsecmesh.ike.policy.PeerAuthorization.preShared(List.of(new io.ipsecmesh.proto.config.IdentityMatch(
            io.ipsecmesh.proto.config.IkeIdentity.Type.ADDRESS, GW + " 255.255.255.255", false))), V1_KEY,
            List.of(new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.byId(14), 86_400)),
            List.of(EspTransform.AES_CBC_256_HMAC_SHA256_128), null,
            List.of(TrafficSelector.anyPorts("10.2.0.0", "10.2.0.255")),
            List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.0.255")), ChildSa.Mode.TUNNEL, 64, 3600, 4_608_000, 0,
            "copy")));
        v1.put(address, s);
        isakmpAtSocket.put(address, new AtomicInteger());
      }
      v2Policies.replace(List.of(new PeerPolicy("VPN", 20, GW, V2_PEER,
          new PeerPolicy.Identity(IkeConstants.ID_IPV4_ADDR, V2_PEER),
          PeerAuthorization.preShared(List.of(new io.ipsecmesh.proto.config.IdentityMatch(
              io.ipsecmesh.proto.config.IkeIdentity.Type.ADDRESS, GW + " 255.255.255.255", false))), V2_KEY, V2_KEY,
          List.of(Proposals.parseSuite("aes256gcm16-prfsha256-ecp256")), List.of(EspTransform.AES_GCM_256), null,
          List.of(TrafficSelector.anyPorts("10.3.0.0", "10.3.0.255")),
          List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.0.255")), ChildSa.Mode.TUNNEL, 64, 3600, 4_608_000, 0,
          "copy", 86400)));
      v2 = new IkeEngine(new VertxScheduler(vertx), (la, lp, pa, pp, m) -> vertx.eventBus().publish(
          FwdMessages.IKE_PUNT, new IkeMessages.IkeDatagram(GW, 4500, V2_PEER, 4500, m)), quiet(), v2Policies,
          new KeyWrap(new byte[32]), RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, System::currentTimeMillis);
      vertx.eventBus().<IkeMessages.IkeDatagram>consumer(IkeMessages.IKE_TX, m -> {
        IkeMessages.IkeDatagram d = m.body();
        Ikev1Service s = v1.get(d.peerAddress());
        if (s != null) {
          s.receive(new IkeMessages.IkeDatagram(d.peerAddress(), 4500, GW, 4500, d.message()), this::sendV1);
        } else if (d.peerAddress().equals(V2_PEER)) {
          v2.receive(V2_PEER, 4500, GW, 4500, d.message());
        }
      });
      // the first socket picks the port, the others (other loopback addresses) share it
      listen(0, 0).<Void>mapEmpty().onComplete(started);
    }

    private io.vertx.core.Future<?> listen(int index, int onPort) {
      String address = v1Addresses.get(index);
      DatagramSocket socket = vertx.createDatagramSocket();
      socket.handler(p -> {
        byte[] data = p.data().getBytes();
        if (IsakmpCodec.isIsakmp(data)) {
          isakmpAtSocket.get(address).incrementAndGet();
        }
        v1.get(address).receive(new IkeMessages.IkeDatagram(address, 500, GW, p.sender().port(), data), this::sendV1);
      });
      sockets.put(address, socket);
      return socket.listen(onPort, address).compose(s -> {
        port = s.localAddress().port();
        return index + 1 < v1Addresses.size() ? listen(index + 1, port) : io.vertx.core.Future.succeededFuture();
      });
    }

    private void sendV1(IkeMessages.IkeDatagram d) {
      if (d.localPort() == 4500) {
        isakmpPunted.incrementAndGet();
        vertx.eventBus().publish(FwdMessages.IKE_PUNT, new IkeMessages.IkeDatagram(GW, 4500, d.localAddress(), 4500,
            d.message()));
      } else {
        sockets.get(d.localAddress()).send(Buffer.buffer(d.message()), d.peerPort(), d.peerAddress());
      }
    }

    /** Runs {@code r} on this verticle's context, where its engines live. */
    void onContext(Runnable r) {
      context.runOnContext(v -> r.run());
    }

    private static IkeEventSink quiet() {
      return new IkeEventSink() {
        public void childSaInstalled(ChildSa sa) {}
        public void childSaDeleted(SaMessages.ChildSaDeleted d) {}
        public void childSaRebound(ChildSa sa) {}
        public void ikeSaUp(IkeSaSummary s, String m, int q) {}
        public void ikeSaDown(IkeSaSummary s, String r) {}
        public void summaryChanged(IkeSaSummary s) {}
        public void livenessProof(String id, String a) {}
      };
    }
  }

  @Test
  void bothVersionsSideBySide_acquireByEntry_port500AndPunt_probesAndClear(Vertx vertx, VertxTestContext ctx)
      throws Throwable {
    BusCodecs.register(vertx);
    Peers peers = new Peers(V1_PEER);
    Map<String, ChildSa> installed = new ConcurrentHashMap<>();
    AtomicBoolean checked = new AtomicBoolean();
    vertx.eventBus().<SaMessages.ChildSaInstalled>consumer(SaMessages.CHILD_INSTALLED, m -> {
      ChildSa sa = m.body().sa();
      installed.putIfAbsent(sa.ikeSaId(), sa);
      if (installed.size() < 2 || !checked.compareAndSet(false, true)) {
        return;
      }
      ctx.verify(() -> {
        ChildSa v1 = installed.values().stream().filter(c -> c.peerAddress().equals(V1_PEER)).findFirst().orElseThrow();
        ChildSa v2 = installed.values().stream().filter(c -> c.peerAddress().equals(V2_PEER)).findFirst().orElseThrow();
        assertEquals("VPN", v1.cryptoMap());
        assertEquals(10, v1.mapSequence(), "the IKEv1 entry's ACQUIRE");
        assertEquals(EspTransform.AES_CBC_256_HMAC_SHA256_128, v1.transform());
        assertTrue(v1.udpEncapsulation(), "the NAT moved IKEv1 and its ESP to 4500");
        // MM3 follows MM2, which the peer sent to the verticle's port-500 socket
        assertTrue(peers.isakmpAtSocket.get(V1_PEER).get() >= 2, "MM1 and MM3 came from the port-500 socket");
        assertTrue(peers.isakmpPunted.get() >= 2, "MM6 and Quick Mode arrived through ike.punt");
        assertTrue(peers.v1Up.containsKey(v1.ikeSaId()), "the same ISAKMP SA id on both sides");
        assertEquals(20, v2.mapSequence());
      });
      ChildSa v1 = installed.values().stream().filter(c -> c.peerAddress().equals(V1_PEER)).findFirst().get();
      ChildSa v2 = installed.values().stream().filter(c -> c.peerAddress().equals(V2_PEER)).findFirst().get();
      // the row for show crypto isakmp sa is written on a worker after the announcement (SharedMapWriter): it
      // reaches QM_IDLE shortly after, not necessarily before sa.child.installed
      rowInState(vertx, v1.ikeSaId(), "QM_IDLE")
          .compose(s -> {
            ctx.verify(() -> {
              assertNotNull(s, "ISAKMP SA row for show crypto isakmp sa");
              assertEquals("QM_IDLE", s.state());
              assertEquals(1, s.version());
            });
            // dpd.probe goes to the engine that owns the SA: an R-U-THERE for IKEv1, an INFORMATIONAL for IKEv2
            return vertx.eventBus().<DpdMessages.ProbeOutcome>request(DpdMessages.PROBE,
                new DpdMessages.ProbeRequest(v1.ikeSaId(), V1_PEER, 0, 3000));
          })
          .compose(a1 -> {
            ctx.verify(() -> assertTrue(a1.body().acknowledged(), "R-U-THERE-ACK"));
            return vertx.eventBus().<DpdMessages.ProbeOutcome>request(DpdMessages.PROBE,
                new DpdMessages.ProbeRequest(v2.ikeSaId(), V2_PEER, 0, 3000));
          })
          .compose(a2 -> {
            ctx.verify(() -> assertTrue(a2.body().acknowledged(), "IKEv2 DPD answered"));
            return vertx.eventBus().<MgmtMessages.ClearSessionResult>request(MgmtMessages.CLEAR_SESSION,
                new MgmtMessages.ClearSession(null));
          })
          .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
            assertEquals(2, r.body().ikeSasDeleted(), "one ISAKMP SA and one IKEv2 SA");
            assertEquals(2, r.body().childSasDeleted());
            ctx.completeNow();
          })));
    });
    vertx.deployVerticle(peers)
        .compose(id -> vertx.deployVerticle(new IkeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
            .put("ike-bind-address", GW).put("ike-port", "0")
            .put("ike-peer-port", String.valueOf(peers.port)))))
        .onComplete(ctx.succeeding(id -> {
          vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1,
              config(V1_PEER)));
          // traffic for the IKEv1 entry: Main Mode to its peer; the IKEv2 peer starts its own IKE_SA_INIT
          vertx.eventBus().publish(FwdMessages.ACQUIRE, new FwdMessages.Acquire("VPN", 10, "10.1.0.5", "10.2.0.5", 1));
          peers.onContext(() -> peers.v2.initiate(peers.v2Policies.all().get(0)));
        }));
    assertTrue(ctx.awaitCompletion(30, TimeUnit.SECONDS));
    if (ctx.failed()) {
      throw ctx.causeOfFailure();
    }
  }
  @Test
  void deadIkev1PeerFailsOverInItsEntryAndLaterAcquiresStayWithTheNextPeer(Vertx vertx, VertxTestContext ctx)
      throws Throwable {
    BusCodecs.register(vertx);
    Peers peers = new Peers(V1_PEER, V1_PEER_2);
    AtomicInteger phase = new AtomicInteger();
    AtomicInteger mainModeToFirst = new AtomicInteger();
    vertx.eventBus().<SaMessages.ChildSaInstalled>consumer(SaMessages.CHILD_INSTALLED, m -> {
      ChildSa sa = m.body().sa();
      if (sa.peerAddress().equals(V1_PEER) && phase.compareAndSet(0, 1)) {
        // DPD's verdict on the first set peer, naming the next one
        vertx.eventBus().publish(DpdMessages.PEER_DEAD, new DpdMessages.PeerDead(sa.ikeSaId(), V1_PEER, 4500, 30_000,
            V1_PEER, V1_PEER_2));
      } else if (sa.peerAddress().equals(V1_PEER)) {
        ctx.failNow(new AssertionError("a Child SA with the dead first peer after the failover"));
      } else if (phase.compareAndSet(1, 2)) {
        ctx.verify(() -> assertTrue(peers.v1Up.values().stream().filter(V1_PEER::equals).count() == 1));
        mainModeToFirst.set(peers.isakmpAtSocket.get(V1_PEER).get());
        // the failover's SAs end (as at their lifetime): the entry's next traffic stays with peer 2
        vertx.eventBus().<MgmtMessages.ClearSessionResult>request(MgmtMessages.CLEAR_SESSION,
            new MgmtMessages.ClearSession(V1_PEER_2)).onComplete(ctx.succeeding(r -> {
              ctx.verify(() -> assertEquals(1, r.body().ikeSasDeleted()));
              vertx.eventBus().publish(FwdMessages.ACQUIRE, new FwdMessages.Acquire("VPN", 10, "10.1.0.5", "10.2.0.5",
                  1));
            }));
      } else if (phase.compareAndSet(2, 3)) {
        ctx.verify(() -> {
          assertEquals(mainModeToFirst.get(), peers.isakmpAtSocket.get(V1_PEER).get(),
              "no Main Mode to the dead first peer");
          assertEquals(2, peers.v1Up.values().stream().filter(V1_PEER_2::equals).count(),
              "the failover's ISAKMP SA and the one of the later ACQUIRE");
        });
        ctx.completeNow();
      }
    });
    vertx.deployVerticle(peers)
        .compose(id -> vertx.deployVerticle(new IkeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
            .put("ike-bind-address", GW).put("ike-port", "0").put("ike-peer-port", String.valueOf(peers.port)))))
        .onComplete(ctx.succeeding(id -> {
          vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1,
              config(V1_PEER, V1_PEER_2)));
          vertx.eventBus().publish(FwdMessages.ACQUIRE, new FwdMessages.Acquire("VPN", 10, "10.1.0.5", "10.2.0.5", 1));
        }));
    assertTrue(ctx.awaitCompletion(30, TimeUnit.SECONDS));
    if (ctx.failed()) {
      throw ctx.causeOfFailure();
    }
  }

  /**
   * Without {@code crypto isakmp invalid-spi-recovery} (the configuration has it off) the forwarder's report of
   * ESP with an unknown SPI from a peer we share an ISAKMP SA with still becomes an INVALID-SPI notify over that
   * SA, as the seed says IOS does by default, and the peer drops its stale SA.
   */
  @Test
  void invalidSpiIsNotifiedOverTheExistingIsakmpSaWithoutRecovery(Vertx vertx, VertxTestContext ctx)
      throws Throwable {
    BusCodecs.register(vertx);
    Peers peers = new Peers(V1_PEER);
    AtomicBoolean reported = new AtomicBoolean();
    vertx.eventBus().<SaMessages.ChildSaInstalled>consumer(SaMessages.CHILD_INSTALLED, m -> {
      ChildSa sa = m.body().sa();
      if (!sa.peerAddress().equals(V1_PEER) || !reported.compareAndSet(false, true)) {
        return;
      }
      // our forwarder lost the inbound SA: ESP arrives from the peer with our (former) inbound SPI
      vertx.eventBus().send(FwdMessages.INVALID_SPI, new FwdMessages.InvalidSpi(GW, V1_PEER, 4500, sa.inboundSpi(),
          50));
      long deadline = System.currentTimeMillis() + 10_000;
      vertx.setPeriodic(50, t -> {
        String reason = peers.v1Deleted.get(sa.outboundSpi());
        if (reason != null || System.currentTimeMillis() > deadline) {
          vertx.cancelTimer(t);
          ctx.verify(() -> assertNotNull(reason, "the peer dropped the SA our INVALID-SPI named"));
          ctx.completeNow();
        }
      });
    });
    GatewayConfig noRecovery = config(V1_PEER);
    vertx.deployVerticle(peers)
        .compose(id -> vertx.deployVerticle(new IkeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
            .put("ike-bind-address", GW).put("ike-port", "0").put("ike-peer-port", String.valueOf(peers.port)))))
        .onComplete(ctx.succeeding(id -> {
          ctx.verify(() -> assertTrue(!noRecovery.invalidSpiRecovery()));
          vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1, noRecovery));
          vertx.eventBus().publish(FwdMessages.ACQUIRE, new FwdMessages.Acquire("VPN", 10, "10.1.0.5", "10.2.0.5", 1));
        }));
    assertTrue(ctx.awaitCompletion(30, TimeUnit.SECONDS));
    if (ctx.failed()) {
      throw ctx.causeOfFailure();
    }
  }

  /** The IKE SA row once it shows {@code state}, or what it shows after 5 s (polled every 10 ms on the event loop). */
  private static io.vertx.core.Future<IkeSaSummary> rowInState(Vertx vertx, String ikeSaId, String state) {
    io.vertx.core.Promise<IkeSaSummary> result = io.vertx.core.Promise.promise();
    long deadline = System.nanoTime() + 5_000_000_000L;
    vertx.setPeriodic(10, timer -> {
      String row = Cluster.map(vertx, SharedMaps.IKE_SAS).get(ikeSaId);
      IkeSaSummary s = row == null ? null : RecordJson.fromJson(new JsonObject(row), IkeSaSummary.class);
      if ((s != null && state.equals(s.state())) || System.nanoTime() > deadline) {
        vertx.cancelTimer(timer);
        result.complete(s);
      }
    });
    return result.future();
  }
}
