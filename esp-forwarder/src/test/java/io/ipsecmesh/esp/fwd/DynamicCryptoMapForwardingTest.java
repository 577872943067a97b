package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.DynamicMapHub;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.spd.NegotiatedPolicies;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.tun.KernelRoutes;
import io.ipsecmesh.esp.tun.NegotiatedRoutes;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The hub of {@link DynamicMapHub} (only {@code crypto map VPN 65535 ipsec-isakmp dynamic DYN}, with or without
 * {@code match address 102}),
 * on the forwarder's side, in virtual time: the hub's LAN reaches a spoke's negotiated network only through that
 * spoke's SA, from the moment the SA is installed (through {@link SaInstaller}, the one way into the SAD) until it is
 * deleted or hard-expires; before and after, the packet is dropped and no ACQUIRE ever leaves (a dynamic map has no
 * peer to ask). The routes that steer the spokes' networks into the TUN follow the same SAs.
 */
class DynamicCryptoMapForwardingTest {

  private static final String SPOKE_A = "172.31.200.2";
  private static final String SPOKE_B = "172.31.201.2";
  private static final String SPOKE_C = "172.31.202.2";
  private static final int[] HUB_HOST = {10, 91, 1, 10};
  private static final int[] A_HOST = {10, 91, 2, 10};
  private static final int[] B_HOST = {10, 91, 3, 10};

  private final VirtualScheduler clock = new VirtualScheduler();
  private final TestGateway hub = new TestGateway();
  private final List<FwdMessages.Acquire> acquires = new ArrayList<>();
  private final List<FwdMessages.SaExpired> expired = new ArrayList<>();
  private final List<String> refused = new ArrayList<>();
  private final SaInstaller installer = hub.installer(
      new SequenceReservations(new ConcurrentHashMap<>(), null), why -> {
        throw new AssertionError(why);
      }, clock::nowMillis);
  private SaSupervisor supervisor;
  private long created = 1;

  private void configure(boolean matchAddress) {
    hub.sad.policyEvents(new SaDatabase.PolicyEvents() {
      @Override
      public void changed() {}

      @Override
      public void refused(SaPair pair, NegotiatedPolicies.Policy holder) {
        refused.add(pair.sa().peerAddress() + " after " + holder.peer());
      }
    });
    hub.sad.setSpd(SecurityPolicyDatabase.build(DynamicMapHub.config(matchAddress)));
    supervisor = new SaSupervisor("fwd-1", hub.sad, hub.plane.acquires(), hub.plane.invalidSpis(), clock,
        new SaSupervisor.Sink() {
          public void acquire(FwdMessages.Acquire a) {
            acquires.add(a);
          }

          public void invalidSpi(FwdMessages.InvalidSpi i) {}

          public void expired(FwdMessages.SaExpired e) {
            expired.add(e);
          }

          public void idle(FwdMessages.SaIdle i) {}

          public void activity(FwdMessages.ActivitySummary s) {}

          public void counters(List<SaCounters> c) {}

          public void log(String line) {}

          public void reserveSequences(SaPair pair) {}
        }, () -> "172.31.255.1");
    supervisor.start();
  }


  /** A Child SA as ike-service installs one from the dynamic map's template: the static entry's name, these selectors. */
  private ChildSa spokeSa(long inSpi, String peer, String remoteNet, ChildSa.Lifetime lifetime) {
    byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
    k[0] = (byte) inSpi;
    String end = remoteNet.substring(0, remoteNet.lastIndexOf('.')) + ".255";
    return new ChildSa("aa:" + inSpi, 7, "VPN", 65535, inSpi, inSpi + 0x1000, EspTransform.AES_GCM_128,
        ChildSa.Mode.TUNNEL, true, false, 64, "172.31.255.1", 4500, peer, 4500,
        List.of(TrafficSelector.anyPorts("10.91.1.0", "10.91.1.255")),
        List.of(TrafficSelector.anyPorts(remoteNet, end)), lifetime, 0, "copy", hub.wrap.wrap(k), hub.wrap.wrap(k),
        created++);
  }

  private static final ChildSa.Lifetime NO_LIMIT = new ChildSa.Lifetime(0, 0, 0, 0);

  /** One packet from the hub's LAN to {@code to}, half a second before the tick at {@code second}. */
  private TestGateway.CapturingSender.Sent sendAt(long second, int[] to) {
    clock.advanceTo(second * 1000 - 500);
    hub.port.inject(Packets.udp4(HUB_HOST, to, 40000, 7, 64));
    TestGateway.CapturingSender.Sent s = hub.sent.packets.poll();
    clock.advanceTo(second * 1000);
    return s;
  }

  @Test
  void theHubsLanReachesASpokesNegotiatedNetworkOnlyWhileItsSaLives() {
    configure(false);
    // before any spoke: nothing protects the flow, and nobody is asked to (no set peer to ask)
    assertEquals(null, sendAt(1, A_HOST));
    assertEquals(1, hub.plane.stats().innerClear());

    installer.install(spokeSa(0xA001, SPOKE_A, "10.91.2.0", NO_LIMIT), false);
    TestGateway.CapturingSender.Sent s = sendAt(2, A_HOST);
    assertNotNull(s, "the negotiated policy sends the hub's LAN to spoke A's network through A's SA");
    assertEquals(new InetSocketAddress(SPOKE_A, 4500), s.to());
    assertEquals(0xB001, EspHeader.readSpi(s.packet(), 0));
    // spoke A's SA does not cover another network: still unprotected
    assertEquals(null, sendAt(3, B_HOST));

    installer.remove(0xA001);
    assertEquals(null, sendAt(4, A_HOST));
    assertEquals(0, hub.sad.negotiatedPolicies().values().iterator().next().size());
    clock.advanceTo(10_000);
    assertEquals(List.of(), acquires, "a dynamic crypto map never initiates");
  }

  @Test
  void withMatchAddressTrafficBeforeTheSaIsDroppedNotSentInClearAndNoAcquireLeaves() {
    configure(true);
    assertEquals(null, sendAt(1, A_HOST));
    assertEquals(1, hub.plane.stats().innerNoSa(), "the dynamic map's permit line holds the packet: no SA, dropped");
    assertEquals(0, hub.plane.stats().innerClear());
    clock.advanceTo(5_000);
    assertEquals(List.of(), acquires);

    installer.install(spokeSa(0xA001, SPOKE_A, "10.91.2.0", NO_LIMIT), false);
    assertEquals(new InetSocketAddress(SPOKE_A, 4500), sendAt(6, A_HOST).to());
  }

  @Test
  void eachSpokeGetsItsOwnPolicyAndNoSpokeCanClaimAnothersNetwork() {
    configure(false);
    installer.install(spokeSa(0xA001, SPOKE_A, "10.91.2.0", NO_LIMIT), false);
    installer.install(spokeSa(0xB001, SPOKE_B, "10.91.3.0", NO_LIMIT), false);
    assertEquals(new InetSocketAddress(SPOKE_A, 4500), sendAt(1, A_HOST).to());
    assertEquals(new InetSocketAddress(SPOKE_B, 4500), sendAt(2, B_HOST).to());

    // spoke C (the same wildcard key) claims spoke A's network, and is newer: it gets no outbound policy
    installer.install(spokeSa(0xC001, SPOKE_C, "10.91.2.0", NO_LIMIT), false);
    assertEquals(List.of(SPOKE_C + " after " + SPOKE_A), refused);
    assertEquals(new InetSocketAddress(SPOKE_A, 4500), sendAt(3, A_HOST).to());
    assertNotNull(hub.sad.get(0xC001), "its SA is installed all the same: it receives");

    // spoke A rekeys: its new SA overlaps its old one, which is allowed; the old one carries the traffic until the
    // spoke shows that it receives on the new one or deletes the old one (RFC 7296 §2.8, RekeyMakeBeforeBreakTest)
    installer.install(spokeSa(0xA002, SPOKE_A, "10.91.2.0", NO_LIMIT), false);
    assertEquals(0xB001, EspHeader.readSpi(sendAt(4, A_HOST).packet(), 0));
    installer.remove(0xA001);
    assertEquals(0xB002, EspHeader.readSpi(sendAt(5, A_HOST).packet(), 0));
  }

  @Test
  void aHardExpiredSaStopsCarryingAtOnceAndAsksForItsDeleteNotForANewSa() {
    configure(false);
    installer.install(spokeSa(0xA001, SPOKE_A, "10.91.2.0", new ChildSa.Lifetime(108, 120, 0, 0)), false);
    supervisor.started(hub.sad.get(0xA001));
    assertNotNull(sendAt(119, A_HOST));
    clock.advanceTo(120_000);
    assertEquals(List.of(FwdMessages.Limit.SOFT, FwdMessages.Limit.HARD),
        expired.stream().map(FwdMessages.SaExpired::limit).toList());
    assertEquals(null, sendAt(121, A_HOST), "hard-expired: not used a packet longer");
    clock.advanceTo(130_000);
    assertEquals(List.of(), acquires);
    // ike-service deletes it (sa.child.deleted): the policy goes with it
    installer.remove(0xA001);
    assertTrue(hub.sad.negotiatedPolicies().values().iterator().next().isEmpty());
  }

  @Test
  void aNewConfigurationKeepsTheNegotiatedPolicies() {
    configure(false);
    installer.install(spokeSa(0xA001, SPOKE_A, "10.91.2.0", NO_LIMIT), false);
    hub.sad.setSpd(SecurityPolicyDatabase.build(DynamicMapHub.config(true)));
    assertEquals(new InetSocketAddress(SPOKE_A, 4500), sendAt(1, A_HOST).to());
  }

  @Test
  void routesFollowTheNegotiatedNetworksAndNeverCaptureATunnelEndpointOrAConnectedNetwork() {
    configure(false);
    List<String> table = new ArrayList<>();
    NegotiatedRoutes routes = new NegotiatedRoutes(new NegotiatedRoutes.RouteTable() {
      @Override
      public String replace(String prefix) {
        table.add("+" + prefix);
        return null;
      }

      @Override
      public String delete(String prefix) {
        table.add("-" + prefix);
        return null;
      }
    });
    GatewayConfig cfg = DynamicMapHub.config(false);
    installer.install(spokeSa(0xA001, SPOKE_A, "10.91.2.0", NO_LIMIT), false);
    NegotiatedRoutes.Plan plan = NegotiatedRoutes.wanted(cfg, hub.sad.negotiatedPolicies(),
        KernelRoutes.protectedDestinations(cfg));
    assertEquals(Set.of("10.91.2.0/24"), plan.prefixes());
    routes.reconcile(plan.prefixes());
    // a rekey of the same network changes nothing; a second spoke adds its own
    installer.install(spokeSa(0xA002, SPOKE_A, "10.91.2.0", NO_LIMIT), false);
    installer.install(spokeSa(0xB001, SPOKE_B, "10.91.3.0", NO_LIMIT), false);
    routes.reconcile(NegotiatedRoutes.wanted(cfg, hub.sad.negotiatedPolicies(), List.of()).prefixes());
    installer.remove(0xA001);
    routes.reconcile(NegotiatedRoutes.wanted(cfg, hub.sad.negotiatedPolicies(), List.of()).prefixes());
    assertEquals(List.of("+10.91.2.0/24", "+10.91.3.0/24"), table);
    installer.remove(0xA002);
    routes.reconcile(NegotiatedRoutes.wanted(cfg, hub.sad.negotiatedPolicies(), List.of()).prefixes());
    assertEquals(List.of("+10.91.2.0/24", "+10.91.3.0/24", "-10.91.2.0/24"), table);

    // claims that would route the tunnel into itself or draw the hub's own LAN get no route
    installer.install(spokeSa(0xC001, SPOKE_C, "172.31.202.0", NO_LIMIT), false);
    installer.install(spokeSa(0xD001, "172.31.203.2", "10.91.1.0", NO_LIMIT), false);
    NegotiatedRoutes.Plan bad = NegotiatedRoutes.wanted(cfg, hub.sad.negotiatedPolicies(), List.of());
    assertEquals(Set.of("10.91.3.0/24"), bad.prefixes());
    assertEquals(2, bad.refused().size(), bad.refused().toString());
    assertTrue(bad.refused().get(0).contains("peer's own address 172.31.202.2"), bad.refused().toString());
    assertTrue(bad.refused().get(1).contains("connected network 10.91.1.0-10.91.1.255"), bad.refused().toString());
  }

  @Test
  void withMatchAddressTheDynamicMapsDestinationsAreRoutedBeforeAnySa() {
    configure(true);
    GatewayConfig cfg = DynamicMapHub.config(true);
    assertEquals(Set.of("10.91.0.0/16"), NegotiatedRoutes.wanted(cfg, Map.of(), List.of()).prefixes());
  }
}
