package io.ipsecmesh.esp.qos;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code ipsecmesh_esp_llq_*}: what the LLQ stage queued and dropped per class, and its depth, read
 * from the queue's plain counters at scrape time (the packet path never touches a metrics object). The
 * priority drops are the number to watch: non-zero means the priority class alone exceeds the
 * encryption stage.
 */
public final class LlqMetrics {

  private static final List<Entry> LIVE = new CopyOnWriteArrayList<>();
  /** Registries the metrics are in; each gets them once (a test may use its own). */
  private static final java.util.Set<PrometheusRegistry> REGISTERED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private record Entry(String id, LlqCryptoQueue queue) {}

  private LlqMetrics() {}

  public static synchronized void register(PrometheusRegistry registry, String forwarderId, LlqCryptoQueue queue) {
    LIVE.add(new Entry(forwarderId, queue));
    if (!REGISTERED.add(registry)) {
      return;
    }
    CounterWithCallback.builder().name("ipsecmesh_esp_llq_queued")
        .help("inner packets queued for encryption, by LLQ class").labelNames("forwarder", "class")
        .callback(cb -> LIVE.forEach(e -> {
          cb.call(e.queue().priorityQueued(), e.id(), "priority");
          cb.call(e.queue().bulkQueued(), e.id(), "bulk");
        })).register(registry);
    CounterWithCallback.builder().name("ipsecmesh_esp_llq_dropped")
        .help("inner packets dropped because their LLQ class was full (oversize: larger than a slot)")
        .labelNames("forwarder", "class")
        .callback(cb -> LIVE.forEach(e -> {
          cb.call(e.queue().priorityDropped(), e.id(), "priority");
          cb.call(e.queue().bulkDropped(), e.id(), "bulk");
          cb.call(e.queue().oversize(), e.id(), "oversize");
        })).register(registry);
    GaugeWithCallback.builder().name("ipsecmesh_esp_llq_depth").help("packets waiting for encryption")
        .labelNames("forwarder").callback(cb -> LIVE.forEach(e -> cb.call(e.queue().depth(), e.id())))
        .register(registry);
  }

  public static void unregister(LlqCryptoQueue queue) {
    LIVE.removeIf(e -> e.queue() == queue);
  }
}
