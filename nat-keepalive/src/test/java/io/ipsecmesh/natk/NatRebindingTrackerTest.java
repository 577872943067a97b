package io.ipsecmesh.natk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A NAT gave the peer another outside port; ike-service re-announces the rebound Child SA (same SPI, new
 * peer port) on {@code sa.child.installed}. The keepalives must move to the new mapping: one sent to the
 * stale port keeps nothing open and reaches, at best, nobody.
 */
class NatRebindingTrackerTest {

  private static final long SPI = 0xc0ffee01L;
  private static final Target OLD = new Target("172.31.255.2", 4500, "172.31.255.1", 4500);
  private static final Target REMAPPED = new Target("172.31.255.2", 4500, "172.31.255.1", 40007);

  @Test
  void reannouncedChildSaOnANewPeerPort_keepalivesFollowTheNewMappingOnly() {
    VirtualScheduler clock = new VirtualScheduler();
    NatKeepaliveMetrics metrics = NatKeepaliveMetrics.of(new PrometheusRegistry());
    List<Target> sentTo = new ArrayList<>();
    List<Long> sentAt = new ArrayList<>();
    NatKeepaliveTracker natk = new NatKeepaliveTracker(clock, Optional.of(new NatKeepaliveSettings(20)),
        NoJitter.INSTANCE, batch -> batch.forEach(t -> {
          sentTo.add(t);
          sentAt.add(clock.nowMillis());
        }), metrics);
    natk.start();
    natk.childSaInstalled(SPI, OLD);
    clock.advanceTo(25_000);
    natk.childSaInstalled(SPI, REMAPPED); // the rebound SA: the authenticated message that moved it is activity
    clock.advanceTo(70_000);

    assertEquals(List.of(OLD, REMAPPED, REMAPPED), sentTo);
    assertEquals(List.of(20_000L, 45_000L, 65_000L), sentAt);
    assertEquals(1, natk.mappings(), "the stale mapping is forgotten");
    assertEquals(1.0, metrics.mappings());
  }
}
