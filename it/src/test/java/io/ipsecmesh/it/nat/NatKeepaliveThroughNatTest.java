package io.ipsecmesh.it.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.it.nat.NatSite.Datagram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * NAT transparency through a real NAT (seed 003, "IPsec NAT Transparency"): our gateway sits behind a
 * masquerading NAT namespace whose UDP mappings expire after 20 s, the seed's NAT mapping expiration
 * time; strongSwan on the far side sends no keepalives, no DPD and never initiates. Two sites run side by
 * side: {@code nk1} with {@code crypto isakmp nat keepalive 10}, {@code nk2} without. Both bring the
 * tunnel up with a LAN-to-LAN ping and then carry nothing at all for 90 s. Afterwards only a mapping
 * that survived lets strongSwan's ESP in: a ping from lanb to lana crosses {@code nk1} and dies at
 * {@code nk2}'s NAT, so the keepalives, and nothing else, kept the mapping open.
 *
 * <p>The conntrack timeouts are per network namespace on this kernel (setting them in {@code <p>nat}
 * leaves the host's 30/120 s untouched), so the sites neither see each other's settings nor change the
 * host's. Needs root, strongSwan with kernel-libipsec, dumpcap/tshark and /dev/net/tun; skipped with
 * the reason otherwise. Every process and namespace goes in {@link #tearDown()}, also after a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 230, unit = TimeUnit.SECONDS)
class NatKeepaliveThroughNatTest {

  private static final int KEEPALIVE_SECONDS = 10;
  private static final long IDLE_MILLIS = 90_000;
  /** ±5 % jitter of the seed plus one tick (100 ms) of nat-keepalive's timing wheel. */
  private static final double MIN_SPACING = KEEPALIVE_SECONDS * 0.95 - 0.1;
  private static final double MAX_SPACING = KEEPALIVE_SECONDS * 1.05 + 0.1;

  private final List<NatSite> sites = new ArrayList<>();
  private NatSite withKeepalives;
  private NatSite without;
  /** Wall-clock bounds of the idle period (the capture's timestamps are wall clock too). */
  private long idleFromMillis;
  private long idleUntilMillis;

  @BeforeAll
  void setUp() throws Exception {
    NatSite.assumePrerequisites();
    withKeepalives = NatSite.gatewayBehindNat("nk1", KEEPALIVE_SECONDS);
    without = NatSite.gatewayBehindNat("nk2", null);
    sites.add(withKeepalives);
    sites.add(without);
    // both sites at once: the 90 s idle period is paid once, not twice
    ExecutorService pool = Executors.newFixedThreadPool(sites.size());
    try {
      List<Future<?>> started = new ArrayList<>();
      for (NatSite s : sites) {
        started.add(pool.submit(() -> {
          s.start().bringTunnelUp();
          return null;
        }));
      }
      for (Future<?> f : started) {
        f.get(150, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(withKeepalives.show("show running-config").contains("crypto isakmp nat keepalive 10"));
    assertFalse(without.show("show running-config").contains("nat keepalive"));

    // no traffic at all for 90 s: no LAN packets, no DPD, no rekey; the gateways must stay up meanwhile,
    // and the captures prove afterwards that nothing but keepalives crossed the NAT
    idleFromMillis = System.currentTimeMillis();
    idleUntilMillis = idleFromMillis + IDLE_MILLIS;
    for (long now = idleFromMillis; now < idleUntilMillis; now = System.currentTimeMillis()) {
      for (NatSite s : sites) {
        assertFalse(s.gatewayExited(Math.max(1, Math.min(1000, idleUntilMillis - now) / sites.size())),
            s.prefix + ": gateway exited while idle:\n" + s.gatewayLog());
      }
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    for (NatSite s : sites) {
      s.close();
    }
  }

  @Test
  void keepalivesEveryTenSecondsKeepTheMappingAndTheTunnelUsable() throws Exception {
    NatSite site = withKeepalives;
    assertFalse(site.natMappings().isEmpty(), "the NAT forgot the mapping despite the keepalives");
    // inbound first: strongSwan's ESP reaches lana only through the mapping our keepalives kept open
    String ping = site.ping(site.ns("lanb"), NatSite.LAN_A_HOST, 3);
    assertTrue(ping.contains("3 received"), ping + "\ngateway log:\n" + site.gatewayLog());

    // show crypto ipsec sa: the SA is UDP-encapsulated, its peer reached on 4500 after the float
    String sa = site.show("show crypto ipsec sa");
    assertTrue(sa.contains("current_peer: " + NatSite.PEER + ":4500"), sa);
    assertTrue(sa.contains("in use settings ={Tunnel UDP-Encaps, }"), sa);

    // strongSwan sent no keepalive of its own; three injected from its port 4500 arrive through the NAT
    assertEquals(0, site.metric("ipsecmesh_esp_nat_keepalives_received"));
    site.injectPeerKeepalives(3);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long received;
    while ((received = site.metric("ipsecmesh_esp_nat_keepalives_received")) < 3 && System.nanoTime() < deadline) {
      assertFalse(site.gatewayExited(200), site.gatewayLog());
    }
    assertEquals(3, received);

    long sent = site.metric("ipsecmesh_natk_keepalives_sent");
    List<Datagram> keepaliveCapture = site.stopCapture();
    List<Datagram> ours = keepaliveCapture.stream()
        .filter(d -> d.keepalive() && d.source().equals(NatSite.GATEWAY_WAN)).toList();
    // every keepalive nat-keepalive counted left through the NAT (one may follow the scrape before the stop)
    assertTrue(ours.size() >= sent && ours.size() <= sent + 1, "captured " + ours.size() + ", metric " + sent);

    List<Datagram> idle = inIdlePeriod(keepaliveCapture);
    List<String> other = idle.stream().filter(d -> !d.keepalive()).map(Datagram::toString).toList();
    assertTrue(other.isEmpty(), "traffic other than keepalives while idle: " + other);
    // first one ≤ 10.5 s (+1 s activity summary) after the last ping, then one every 9.5–10.5 s: ≥ 8 in 90 s
    assertTrue(idle.size() >= 8, "keepalives while idle: " + idle);
    List<Double> gaps = new ArrayList<>();
    for (int i = 1; i < idle.size(); i++) {
      gaps.add(idle.get(i).epochSeconds() - idle.get(i - 1).epochSeconds());
    }
    System.out.printf("nk1: %d keepalives while idle (%d sent in all, metric %d), spacing %.3f-%.3f s: %s%n",
        idle.size(), ours.size(), sent, gaps.stream().mapToDouble(g -> g).min().orElse(0),
        gaps.stream().mapToDouble(g -> g).max().orElse(0), gaps);
    for (double g : gaps) {
      assertTrue(g >= MIN_SPACING && g <= MAX_SPACING, "keepalive spacing " + g + " s outside "
          + MIN_SPACING + "-" + MAX_SPACING + ": " + gaps);
    }
  }

  @Test
  void withoutKeepalivesTheMappingExpiresAndInboundTrafficDies() throws Exception {
    NatSite site = without;
    // the NAT dropped the idle mapping after 20 s ...
    assertTrue(site.natMappings().isEmpty(), "mapping still there: " + site.natMappings());
    // ... so strongSwan's ESP towards the old mapping dies at the NAT; lana never sees the ping
    String ping = site.ping(site.ns("lanb"), NatSite.LAN_A_HOST, 3);
    assertTrue(ping.contains(" 0 received"), ping);
    // while the SA itself is still in place on both sides: only the NAT path is gone
    assertTrue(site.show("show crypto ipsec sa").contains("in use settings ={Tunnel UDP-Encaps, }"));
    assertTrue(site.script(Map.of(), "sw.sh", site.ns("gwb"), "--list-sas").contains("INSTALLED"));

    assertEquals(0, site.metric("ipsecmesh_natk_keepalives_sent"));
    assertEquals(0, site.metric("ipsecmesh_esp_nat_keepalives_received"));
    List<Datagram> silentCapture = site.stopCapture();
    assertTrue(silentCapture.stream().noneMatch(Datagram::keepalive), "keepalives without the command: "
        + silentCapture);
    List<Datagram> idle = inIdlePeriod(silentCapture);
    assertTrue(idle.isEmpty(), "traffic while idle: " + idle);
    System.out.printf("nk2: %d datagrams on udp 4500 in all, none while idle, no keepalive%n", silentCapture.size());
  }

  private List<Datagram> inIdlePeriod(List<Datagram> capture) {
    return capture.stream()
        .filter(d -> d.epochSeconds() * 1000 >= idleFromMillis && d.epochSeconds() * 1000 <= idleUntilMillis)
        .toList();
  }
}
