package io.ipsecmesh.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.fwd.DataPlane;
import io.ipsecmesh.esp.fwd.ManualKeying;
import io.ipsecmesh.esp.fwd.SaDatabase;
import io.ipsecmesh.esp.fwd.SaFactory;
import io.ipsecmesh.esp.fwd.SaPair;
import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.Libc;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.runtime.Metrics;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

/** The {@code ipsecmesh_esp_*} metrics read the data plane's live counters at scrape time. */
class EspMetricsTest {

  private static double value(String name, String forwarder, String inboundSpi) {
    for (MetricSnapshot m : Metrics.registry().scrape()) {
      if (!m.getMetadata().getName().equals(name)) {
        continue;
      }
      for (DataPointSnapshot p : m.getDataPoints()) {
        if (forwarder.equals(p.getLabels().get("forwarder"))
            && (inboundSpi == null || inboundSpi.equals(p.getLabels().get("inbound_spi")))) {
          return p instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
              : ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue();
        }
      }
    }
    throw new AssertionError("no " + name + " for " + forwarder);
  }

  private static double puntDropped(String forwarder, String reason) {
    for (MetricSnapshot m : Metrics.registry().scrape()) {
      if (m.getMetadata().getName().equals("ipsecmesh_esp_ike_punt_dropped")) {
        for (DataPointSnapshot p : m.getDataPoints()) {
          if (forwarder.equals(p.getLabels().get("forwarder")) && reason.equals(p.getLabels().get("reason"))) {
            return ((CounterSnapshot.CounterDataPointSnapshot) p).getValue();
          }
        }
      }
    }
    throw new AssertionError("no ipsecmesh_esp_ike_punt_dropped{reason=" + reason + "} for " + forwarder);
  }

  @Test
  void perSaAndGlobalCountersAreScraped() {
    GatewayConfig config = ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0");
    SaDatabase sad = new SaDatabase(p -> { });
    sad.setSpd(SecurityPolicyDatabase.build(config));
    SaFactory factory = new SaFactory(KeyWrap.fromEnvironment(), Libc.AF_INET);
    for (ChildSa sa : ManualKeying.childSas(config, KeyWrap.fromEnvironment(), p -> { })) {
      SaPair pair = factory.build(sa, true, sad.spd());
      pair.outbound().startAt(1, 1000);
      sad.install(pair);
    }
    EspSender wire = new EspSender() {
      @Override
      public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer) {
        return true;
      }

      @Override
      public int family() {
        return Libc.AF_INET;
      }
    };
    InProcessPacketPort port = new InProcessPacketPort("m");
    DataPlane plane = new DataPlane(sad, port, wire, (m, s, l) -> { });
    port.start(plane.outbound());
    EspMetrics.register(Metrics.registry(), "metrics-test", plane, port);
    try {
      port.inject(Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, 100));
      port.inject(Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, 100));
      port.inject(new byte[] {0x45});
      String spi = String.format("%08x", ManualKeyConfigs.SPI_B_TO_A);
      assertEquals(2, value("ipsecmesh_esp_encaps", "metrics-test", spi));
      assertEquals(2 * 128, value("ipsecmesh_esp_encap_bytes", "metrics-test", spi));
      assertEquals(0, value("ipsecmesh_esp_replay_failures", "metrics-test", spi));
      assertEquals(1, value("ipsecmesh_esp_inner_malformed", "metrics-test", null));
      assertEquals(1, value("ipsecmesh_esp_sas", "metrics-test", null));
      assertEquals(0, value("ipsecmesh_esp_inner_write_failures", "metrics-test", null));
      plane.inbound().puntRateLimiter(new io.ipsecmesh.esp.fwd.PuntRateLimiter(1, 1000));
      for (int i = 0; i < 3; i++) {
        plane.inbound().onIke(new byte[40], new java.net.InetSocketAddress("198.51.100.9", 4500), null);
      }
      assertEquals(1, value("ipsecmesh_esp_ike_punted", "metrics-test", null));
      assertEquals(2, puntDropped("metrics-test", "source"));
      assertEquals(0, puntDropped("metrics-test", "global"));

      assertEquals(2, value("ipsecmesh_esp_forwarder_encaps", "metrics-test", null));
      sad.remove(ManualKeyConfigs.SPI_B_TO_A); // clear crypto sa: its per-SA series go, the forwarder's total stays
      assertEquals(false, hasSeries("ipsecmesh_esp_encaps", "metrics-test"));
      assertEquals(2, value("ipsecmesh_esp_forwarder_encaps", "metrics-test", null));
      assertEquals(2 * 128, value("ipsecmesh_esp_forwarder_encap_bytes", "metrics-test", null));
      assertEquals(0, value("ipsecmesh_esp_forwarder_auth_failures", "metrics-test", null));
    } finally {
      EspMetrics.unregister(plane);
    }
  }

  private static boolean hasSeries(String name, String forwarder) {
    for (MetricSnapshot m : Metrics.registry().scrape()) {
      if (m.getMetadata().getName().equals(name)) {
        for (DataPointSnapshot p : m.getDataPoints()) {
          if (forwarder.equals(p.getLabels().get("forwarder"))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Above the per-SA series limit a forwarder's per-SA series are all left out and the omitted gauge counts its
   * SAs; the per-forwarder series stay. At the limit they are all there.
   */
  @Test
  void perSaSeriesAreLeftOutAboveTheLimit() {
    GatewayConfig config = ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0");
    SaDatabase sad = new SaDatabase(p -> { });
    sad.setSpd(SecurityPolicyDatabase.build(config));
    SaFactory factory = new SaFactory(KeyWrap.fromEnvironment(), Libc.AF_INET);
    for (ChildSa sa : ManualKeying.childSas(config, KeyWrap.fromEnvironment(), p -> { })) {
      sad.install(factory.build(sa, true, sad.spd()));
    }
    int installed = sad.size();
    EspSender wire = new EspSender() {
      @Override
      public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer) {
        return true;
      }

      @Override
      public int family() {
        return Libc.AF_INET;
      }
    };
    InProcessPacketPort port = new InProcessPacketPort("m2");
    DataPlane plane = new DataPlane(sad, port, wire, (m, s, l) -> { });
    EspMetrics.register(Metrics.registry(), "limit-test", plane, port);
    try {
      EspMetrics.perSaSeriesLimit(installed);
      assertEquals(true, hasSeries("ipsecmesh_esp_encaps", "limit-test"), "at the limit: per-SA series");
      assertEquals(0, value("ipsecmesh_esp_sa_series_omitted", "limit-test", null));
      EspMetrics.perSaSeriesLimit(installed - 1);
      assertEquals(false, hasSeries("ipsecmesh_esp_encaps", "limit-test"), "above it: none");
      assertEquals(false, hasSeries("ipsecmesh_esp_replay_failures", "limit-test"));
      assertEquals(installed, value("ipsecmesh_esp_sa_series_omitted", "limit-test", null));
      assertEquals(installed, value("ipsecmesh_esp_sas", "limit-test", null), "the per-forwarder series stay");
      assertEquals(0, value("ipsecmesh_esp_forwarder_encaps", "limit-test", null));
      assertEquals(0, value("ipsecmesh_esp_inner_malformed", "limit-test", null));
    } finally {
      EspMetrics.perSaSeriesLimit(EspMetrics.PER_SA_SERIES_LIMIT);
      EspMetrics.unregister(plane);
    }
  }
}
