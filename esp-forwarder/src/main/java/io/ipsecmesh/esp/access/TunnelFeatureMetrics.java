package io.ipsecmesh.esp.access;

import io.ipsecmesh.esp.fwd.DataPlane;
import io.ipsecmesh.esp.frag.FragmentStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

/**
 * Prometheus counters of the seed-003 features of this package and of {@code frag}/{@code df}: the
 * clear-text packets the access check dropped, per crypto map entry, and the pre-fragmentation / DF
 * outcomes of the outbound pipeline.
 */
public final class TunnelFeatureMetrics {

  private static final List<Entry> LIVE = new CopyOnWriteArrayList<>();
  private static boolean registered;

  private record Entry(String id, DataPlane plane, ClearTextAccessCheck check) {}

  private TunnelFeatureMetrics() {}

  /** @param check null when the access check is off */
  public static synchronized void register(PrometheusRegistry registry, String id, DataPlane plane,
      ClearTextAccessCheck check) {
    LIVE.add(new Entry(id, plane, check));
    if (registered) {
      return;
    }
    registered = true;
    CounterWithCallback.builder().name("ipsecmesh_esp_cleartext_drops")
        .help("clear-text packets a crypto map ACL says must be protected, dropped on the outside interface")
        .labelNames("forwarder", "crypto_map")
        .callback(cb -> {
          for (Entry e : LIVE) {
            if (e.check() != null) {
              List<String> names = e.check().counterNames();
              for (int i = 0; i < names.size(); i++) {
                cb.call(e.check().dropped(i), e.id(), names.get(i));
              }
            }
          }
        })
        .register(registry);
    frag(registry, "ipsecmesh_esp_prefragmented", "inner packets fragmented before encryption",
        s -> s.fragmentedBeforeEncryption);
    frag(registry, "ipsecmesh_esp_prefragments", "fragments sent by pre-fragmentation", s -> s.fragmentsSent);
    frag(registry, "ipsecmesh_esp_postfragmented", "outer packets left to the IP layer to fragment",
        s -> s.fragmentedAfterEncryption);
    frag(registry, "ipsecmesh_esp_df_drops", "packets above the MTU dropped because of their DF bit",
        s -> s.dfDrops);
    frag(registry, "ipsecmesh_esp_icmp_frag_needed", "ICMP fragmentation-needed messages sent", s -> s.icmpSent);
    frag(registry, "ipsecmesh_esp_ipv6_too_big_drops", "IPv6 inner packets too big for the tunnel, dropped",
        s -> s.packetTooBigDrops);
    frag(registry, "ipsecmesh_esp_icmpv6_packet_too_big", "ICMPv6 Packet Too Big messages sent",
        s -> s.packetTooBigSent);
  }

  public static void unregister(DataPlane plane) {
    LIVE.removeIf(e -> e.plane() == plane);
  }

  private static void frag(PrometheusRegistry registry, String name, String help, ToLongFunction<FragmentStats> v) {
    CounterWithCallback.builder().name(name).help(help).labelNames("forwarder")
        .callback(cb -> LIVE.forEach(e -> cb.call(v.applyAsLong(e.plane().outbound().fragmentStats()), e.id())))
        .register(registry);
  }
}
