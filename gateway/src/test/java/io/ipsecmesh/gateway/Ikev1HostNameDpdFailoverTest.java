package io.ipsecmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.config.lang.ParseResult;
import io.ipsecmesh.dpd.DeadPeerDetector;
import io.ipsecmesh.dpd.DpdActions;
import io.ipsecmesh.dpd.DpdConfig;
import io.ipsecmesh.dpd.DpdMetrics;
import io.ipsecmesh.dpd.IkePeer;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.v1.Ikev1Service;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DPD chapter's {@code set peer} list with {@code crypto isakmp keepalive 10 2 periodic}, on an IKEv1 crypto map
 * whose peers are host names, in virtual time: dpd-service's {@link DeadPeerDetector} (with the {@link DpdConfig} of
 * the same configuration) drives ike-service's {@link Ikev1Service} as {@code DpdVerticle} does over the bus, and
 * three IKEv1 services — ours and two hubs — talk over an in-memory wire. The hosts file is the test's
 * ({@code ipsecmesh.hosts-file}), never the machine's resolver.
 *
 * <p>hub1 goes silent just after its SA came up at t = 0: R-U-THERE at 10 s, retransmissions at 12, 14, 16 and
 * 18 s, declared dead at exactly 20 s; at that instant Main Mode starts with hub2 — the next {@code set peer}, not
 * dpd-service's stateless choice (the list's first name: it knows the dead peer by address) — at the address hub2
 * resolves to then ({@code dynamic}: the hosts file moved it after the configuration was applied).
 */
class Ikev1HostNameDpdFailoverTest {

  private static final String GW = "10.0.0.1";
  private static final String HUB1 = "10.0.0.2";
  private static final String HUB2_THEN = "10.0.0.9";
  private static final String HUB2 = "10.0.0.3";
  private static final String KEY = "host-name-failover-psk-0123456789";

  private static final String ISAKMP = """
      crypto isakmp policy 10
       encryption aes 256
       hash sha256
       authentication pre-share
       group 14
      crypto isakmp keepalive 10 2 periodic
      crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
      """;

  private static final String GATEWAY = ISAKMP + """
      crypto isakmp key %1$s hostname hub1.example.net
      crypto isakmp key %1$s hostname hub2.example.net
      crypto map VPN 10 ipsec-isakmp
       set peer hub1.example.net
       set peer hub2.example.net dynamic
       set transform-set TS
       match address 101
      interface wan0
       ip address 10.0.0.1 255.255.255.0
       crypto map VPN
      access-list 101 permit ip 10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255
      end
      """.formatted(KEY);

  private static String hub(String address) {
    return ISAKMP + """
        crypto isakmp key %s address 10.0.0.1
        crypto map VPN 10 ipsec-isakmp
         set peer 10.0.0.1
         set transform-set TS
         match address 101
        interface wan0
         ip address %s 255.255.255.0
         crypto map VPN
        access-list 101 permit ip 10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255
        end
        """.formatted(KEY, address);
  }

  /** A datagram on the wire and the virtual instant it was sent. */
  record Sent(long atMillis, IkeDatagram datagram) {}

  @TempDir
  Path dir;

  private final VirtualScheduler clock = new VirtualScheduler();
  private final Deque<IkeDatagram> wire = new ArrayDeque<>();
  private final List<Sent> sentByGateway = new ArrayList<>();
  private final Map<String, Ikev1Service> byAddress = new HashMap<>();
  private final List<String> silent = new ArrayList<>();
  private final List<IkeSaSummary> up = new ArrayList<>();
  private final CurrentPeers current = new CurrentPeers();
  private DeadPeerDetector dpd;
  private DpdConfig dpdConfig;

  @AfterEach
  void clearHostsFile() {
    System.clearProperty("ipsecmesh.hosts-file");
  }

  private static GatewayConfig parse(String name, String text) {
    ParseResult r = ConfigParser.parse(name, text);
    assertEquals(List.of(), r.errors(), name);
    return r.config();
  }

  /** Delivers what is on the wire (to the service at the destination; a silenced hub neither hears nor answers). */
  private void pump() {
    for (int i = 0; i < 1000 && !wire.isEmpty(); i++) {
      IkeDatagram d = wire.poll();
      Ikev1Service to = byAddress.get(d.peerAddress());
      if (to == null || silent.contains(d.peerAddress()) || silent.contains(d.localAddress())) {
        continue;
      }
      // replies, and later the service's timer-driven messages, go out through the sender given here
      to.receive(new IkeDatagram(d.peerAddress(), d.peerPort(), d.localAddress(), d.localPort(), d.message()),
          d.peerAddress().equals(GW) ? this::sendFromGateway : wire::add);
    }
  }

  private void advanceTo(long millis) {
    while (clock.nowMillis() < millis) {
      clock.advance(Math.min(100, millis - clock.nowMillis()));
      pump();
    }
  }

  private void sendFromGateway(IkeDatagram d) {
    sentByGateway.add(new Sent(clock.nowMillis(), d));
    wire.add(d);
  }

  /** The instants and addresses of our Main Mode messages (ISAKMP exchange type 2, RFC 2408 §4.4). */
  private List<String> mainModes() {
    return sentByGateway.stream().filter(s -> s.datagram().message().length > 18
            && s.datagram().message()[18] == IsakmpConstants.EXCH_IDENTITY_PROTECTION)
        .map(s -> s.atMillis() + " " + s.datagram().peerAddress()).distinct().toList();
  }

  @Test
  void deadHostNamePeerFailsOverToTheNextSetPeerAtTheDpdInstantResolvedAgain() throws IOException {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, HUB1 + " hub1.example.net\n" + HUB2_THEN + " hub2.example.net\n");
    System.setProperty("ipsecmesh.hosts-file", hosts.toString());
    KeyWrap wrap = new KeyWrap(new byte[32]);

    IkeEventSink events = new IkeEventSink() {
      @Override
      public void ikeSaUp(IkeSaSummary s, String cryptoMap, int mapSequence) {
        up.add(s);
        dpd.peerUp(new IkePeer(s.ikeSaId(), s.dst(), s.peerPort(), s.peerId(), s.version(), cryptoMap, mapSequence));
      }

      @Override
      public void ikeSaDown(IkeSaSummary s, String reason) {
        dpd.peerDown(s.ikeSaId());
      }

      @Override
      public void livenessProof(String ikeSaId, String peerAddress) {
        dpd.livenessProof(ikeSaId);
      }
    };
    Ikev1Service gateway = new Ikev1Service(clock, events, wrap, RetransmitPolicy.DEFAULT, this::sendFromGateway);
    GatewayConfig config = parse("gateway.cfg", GATEWAY);
    dpdConfig = new DpdConfig(config);
    // DpdVerticle's part: probes go to ike-service, a verdict comes back as dpd.peer.dead with the next peer it
    // knows (its list is the configured names: for a dead address, the first name)
    dpd = new DeadPeerDetector(clock, dpdConfig, new DpdActions() {
      @Override
      public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {
        gateway.probe(new DpdMessages.ProbeRequest(peer.ikeSaId(), peer.peerAddress(), attempt, timeoutMillis), o -> {
          if (o.unsupported()) {
            dpd.dpdUnsupported(o.ikeSaId());
          } else if (o.acknowledged()) {
            dpd.probeAcknowledged(o.ikeSaId());
          }
        });
      }

      @Override
      public void peerDead(IkePeer peer, long silentForMillis) {
        String next = dpdConfig.failoverFor(peer).after(peer.peerAddress()).orElse(null);
        gateway.peerDead(new DpdMessages.PeerDead(peer.ikeSaId(), peer.peerAddress(), peer.peerPort(),
            silentForMillis, peer.peerId(), next), current);
      }
    }, DpdMetrics.of(new PrometheusRegistry()));
    dpd.start();
    for (String hub : List.of(HUB1, HUB2)) {
      Ikev1Service s = new Ikev1Service(clock, new IkeEventSink() {}, wrap, RetransmitPolicy.DEFAULT, wire::add);
      s.configure(parse("hub-" + hub + ".cfg", hub(hub)), hub);
      byAddress.put(hub, s);
    }
    byAddress.put(GW, gateway);
    gateway.configure(config, GW);

    assertTrue(gateway.acquire("VPN", 10, null));
    pump();
    assertEquals(List.of(HUB1), up.stream().map(IkeSaSummary::dst).toList(), "up with hub1 at t = 0");
    assertEquals(0, clock.nowMillis());

    silent.add(HUB1);
    Files.writeString(hosts, HUB1 + " hub1.example.net\n" + HUB2 + " hub2.example.net\n");
    advanceTo(19_900);
    assertEquals(List.of("0 " + HUB1), mainModes(), "nothing but the first Main Mode before the verdict");
    assertEquals(1, up.size());
    // RFC 3706 §5: an R-U-THERE (an Informational exchange) at 10 s, retransmitted every 2 s, unanswered
    assertEquals(List.of(10_000L, 12_000L, 14_000L, 16_000L, 18_000L), sentByGateway.stream()
        .filter(x -> x.datagram().peerAddress().equals(HUB1) && x.datagram().message().length > 18
            && x.datagram().message()[18] == IsakmpConstants.EXCH_INFORMATIONAL)
        .map(Sent::atMillis).toList());

    advanceTo(20_000);
    assertEquals(List.of("0 " + HUB1, "20000 " + HUB2), mainModes(),
        "at the DPD instant, Main Mode with hub2 where it resolves now (not " + HUB2_THEN + ", not hub1 again)");
    assertEquals(List.of(HUB1, HUB2), up.stream().map(IkeSaSummary::dst).toList(), "up with hub2");
    assertEquals("hub2.example.net", current.current("VPN", 10).orElseThrow(),
        "the entry stays with hub2 for later ACQUIREs, by name");
  }
}
