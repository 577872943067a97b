package io.ipsecmesh.esp;

import io.ipsecmesh.esp.fwd.DataPlane;
import io.ipsecmesh.esp.fwd.ForwarderStats;
import io.ipsecmesh.esp.fwd.SaCounter;
import io.ipsecmesh.esp.fwd.SaPair;
import io.ipsecmesh.esp.tun.PacketPort;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

/**
 * {@code ipsecmesh_esp_*} Prometheus metrics. Read through callbacks at scrape time from the plain
 * counters the packet threads keep, so counting costs the hot path nothing beyond an increment.
 * Registered once per JVM; every live forwarder of the JVM (one in production, several in the
 * single-JVM gateway or in tests) is reported with its own {@code forwarder} label.
 *
 * <p>The per-SA series (labels {@code inbound_spi}, {@code outbound_spi}, {@code peer}, {@code crypto_map}) are
 * written only while a forwarder holds at most {@link #PER_SA_SERIES_LIMIT} SA pairs: each SA costs nine series,
 * about 1.3 KB of every scrape, so 100 000 SAs made a 130 MB answer that took seconds to build — and as many
 * series in Prometheus. Above the limit a forwarder's per-SA series are all left out (not an arbitrary subset that
 * would change from scrape to scrape), {@code ipsecmesh_esp_sa_series_omitted{forwarder}} says for how many SAs, and
 * the per-SA figures stay available where IOS keeps them, {@code show crypto ipsec sa}. The same nine counters summed
 * per forwarder ({@code ipsecmesh_esp_forwarder_*}) are always there, and keep what deleted SAs counted: a per-SA
 * series leaves with its SA, so the packets a rekey lost would otherwise vanish between two scrapes.
 */
final class EspMetrics {

  /** The most SA pairs a forwarder reports per-SA series for (README, "Metrics"). */
  static final int PER_SA_SERIES_LIMIT = 1000;
  private static final List<Entry> LIVE = new CopyOnWriteArrayList<>();
  private static boolean registered;
  private static volatile int perSaSeriesLimit = PER_SA_SERIES_LIMIT;

  private record Entry(String id, DataPlane plane, PacketPort inner) {}

  private EspMetrics() {}

  static synchronized void register(PrometheusRegistry registry, String id, DataPlane plane, PacketPort inner) {
    LIVE.add(new Entry(id, plane, inner));
    if (registered) {
      return;
    }
    registered = true;
    for (SaCounter c : SaCounter.values()) {
      perSa(registry, c);
      CounterWithCallback.builder().name("ipsecmesh_esp_forwarder_" + c.metric)
          .help(c.help + ", summed over every SA the forwarder ran, the deleted ones included")
          .labelNames("forwarder")
          .callback(cb -> LIVE.forEach(e -> cb.call(e.plane().sad().total(c), e.id())))
          .register(registry);
    }
    global(registry, "ipsecmesh_esp_invalid_spi", "ESP packets with an unknown SPI", ForwarderStats::invalidSpi);
    global(registry, "ipsecmesh_esp_nat_keepalives_received", "NAT-keepalives received and dropped",
        ForwarderStats::natKeepalivesReceived);
    global(registry, "ipsecmesh_esp_outer_malformed", "malformed datagrams on the UDP-encapsulation port",
        ForwarderStats::outerMalformed);
    global(registry, "ipsecmesh_esp_ike_punted", "IKE messages received on port 4500 and punted",
        ForwarderStats::ikePunted);
    CounterWithCallback.builder().name("ipsecmesh_esp_ike_punt_dropped")
        .help("IKE messages on port 4500 not punted: their source (reason=source) or all sources (reason=global) "
            + "over the punt rate")
        .labelNames("forwarder", "reason")
        .callback(cb -> LIVE.forEach(e -> {
          var limiter = e.plane().inbound().puntRateLimiter();
          cb.call(limiter.droppedPerSource(), e.id(), "source");
          cb.call(limiter.droppedGlobal(), e.id(), "global");
        }))
        .register(registry);
    global(registry, "ipsecmesh_esp_inner_packets", "packets read from the inner interface",
        ForwarderStats::innerPackets);
    global(registry, "ipsecmesh_esp_inner_malformed", "malformed inner packets", ForwarderStats::innerMalformed);
    global(registry, "ipsecmesh_esp_inner_clear", "inner packets no crypto map entry protects",
        ForwarderStats::innerClear);
    global(registry, "ipsecmesh_esp_inner_no_sa", "inner packets of a crypto map entry without an SA (acquire, except for a dynamic or manual entry)",
        ForwarderStats::innerNoSa);
    CounterWithCallback.builder().name("ipsecmesh_esp_inner_write_failures")
        .help("decapsulated packets lost when the inner interface refused a coalesced super-packet")
        .labelNames("forwarder")
        .callback(cb -> LIVE.forEach(e -> cb.call(e.inner().deferredWriteFailures(), e.id())))
        .register(registry);
    CounterWithCallback.builder().name("ipsecmesh_esp_inner_read_drops")
        .help("inner packets dropped as read: an offload super-packet that could not be segmented or checksummed,"
            + " or one whose processing failed")
        .labelNames("forwarder")
        .callback(cb -> LIVE.forEach(e -> cb.call(e.inner().readDrops(), e.id())))
        .register(registry);
    GaugeWithCallback.builder().name("ipsecmesh_esp_sas").help("installed SA pairs").labelNames("forwarder")
        .callback(cb -> LIVE.forEach(e -> cb.call(e.plane().sad().size(), e.id())))
        .register(registry);
    GaugeWithCallback.builder().name("ipsecmesh_esp_sa_series_omitted")
        .help("SA pairs whose per-SA series are left out: the forwarder holds more than " + PER_SA_SERIES_LIMIT
            + " (show crypto ipsec sa has them)")
        .labelNames("forwarder")
        .callback(cb -> LIVE.forEach(e -> {
          int n = e.plane().sad().size();
          cb.call(n > perSaSeriesLimit ? n : 0, e.id());
        }))
        .register(registry);
  }

  /** Tests: another limit than {@link #PER_SA_SERIES_LIMIT}. */
  static void perSaSeriesLimit(int limit) {
    perSaSeriesLimit = limit;
  }

  static void unregister(DataPlane plane) {
    LIVE.removeIf(e -> e.plane() == plane);
  }

  private static void perSa(PrometheusRegistry registry, SaCounter counter) {
    CounterWithCallback.builder().name("ipsecmesh_esp_" + counter.metric).help(counter.help)
        .labelNames("forwarder", "inbound_spi", "outbound_spi", "peer", "crypto_map")
        .callback(cb -> {
          for (Entry e : LIVE) {
            if (e.plane().sad().size() > perSaSeriesLimit) {
              continue; // ipsecmesh_esp_sa_series_omitted
            }
            for (SaPair p : e.plane().sad().pairs()) {
              cb.call(counter.of(p), e.id(), String.format("%08x", p.sa().inboundSpi()),
                  String.format("%08x", p.sa().outboundSpi()), p.sa().peerAddress(),
                  p.sa().cryptoMap() + " " + p.sa().mapSequence());
            }
          }
        })
        .register(registry);
  }

  private static void global(PrometheusRegistry registry, String name, String help,
      ToLongFunction<ForwarderStats> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("forwarder")
        .callback(cb -> LIVE.forEach(e -> cb.call(value.applyAsLong(e.plane().stats()), e.id())))
        .register(registry);
  }
}
