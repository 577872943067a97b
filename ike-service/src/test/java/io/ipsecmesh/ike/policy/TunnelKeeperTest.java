package io.ipsecmesh.ike.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TunnelKeeper} on a virtual clock: at once on configuration, then every {@link TunnelKeeper#CHECK_MILLIS}. */
class TunnelKeeperTest {

  private static final PeerAuthorization BY_ADDRESS = ConfigPolicies.authorization(
      io.ipsecmesh.proto.config.GatewayConfig.empty(), new io.ipsecmesh.proto.config.Ikev2Profile("p",
          List.of("192.0.2.0 255.255.255.0"), null, "pre-share", "pre-share", null, null, null), null, TrustStore.EMPTY);

  private static PeerPolicy tunnel(String name, String peer) {
    return new PeerPolicy(name, 0, peer, "192.0.2.1", null, BY_ADDRESS, null, null, ConfigPolicies.DEFAULT_SUITES,
        List.of(io.ipsecmesh.proto.sa.EspTransform.AES_GCM_128), null,
        List.of(), List.of(), null, 64, 3600, 4_608_000, 0, "copy", 86400, null, null, false);
  }

  @Test
  void bringsEveryTunnelUpAtOnceThenChecksEveryTenSeconds() {
    VirtualScheduler clock = new VirtualScheduler();
    List<String> calls = new ArrayList<>();
    TunnelKeeper<PeerPolicy> keeper = new TunnelKeeper<>(clock, p -> calls.add(clock.nowMillis() + " " + p.cryptoMap()));
    keeper.configure(List.of(tunnel("Tunnel1", "192.0.2.2"), tunnel("Tunnel2", "192.0.2.3")));
    assertEquals(List.of("0 Tunnel1", "0 Tunnel2"), calls);
    clock.advance(TunnelKeeper.CHECK_MILLIS - 1);
    assertEquals(2, calls.size());
    clock.advance(1);
    assertEquals(List.of("0 Tunnel1", "0 Tunnel2", "10000 Tunnel1", "10000 Tunnel2"), calls);
  }

  @Test
  void aNewConfigurationReplacesTheTunnelsAndStopEndsTheChecks() {
    VirtualScheduler clock = new VirtualScheduler();
    List<String> calls = new ArrayList<>();
    TunnelKeeper<PeerPolicy> keeper = new TunnelKeeper<>(clock, p -> calls.add(clock.nowMillis() + " " + p.cryptoMap()));
    keeper.configure(List.of(tunnel("Tunnel1", "192.0.2.2")));
    clock.advance(4_000);
    keeper.configure(List.of(tunnel("Tunnel9", "192.0.2.9")));
    clock.advance(10_000);
    assertEquals(List.of("0 Tunnel1", "4000 Tunnel9", "14000 Tunnel9"), calls, "one schedule, from the new one");
    keeper.stop();
    clock.advance(60_000);
    assertEquals(3, calls.size());
    assertEquals(0, clock.pending());
  }

  @Test
  void aFailingBringUpNeitherStopsTheOthersNorTheSchedule() {
    VirtualScheduler clock = new VirtualScheduler();
    List<String> calls = new ArrayList<>();
    TunnelKeeper<PeerPolicy> keeper = new TunnelKeeper<>(clock, p -> {
      if (p.cryptoMap().equals("Tunnel1")) {
        throw new IllegalStateException("boom");
      }
      calls.add(p.cryptoMap());
    });
    keeper.configure(List.of(tunnel("Tunnel1", "192.0.2.2"), tunnel("Tunnel2", "192.0.2.3")));
    clock.advance(TunnelKeeper.CHECK_MILLIS);
    assertEquals(List.of("Tunnel2", "Tunnel2"), calls);
  }
}
