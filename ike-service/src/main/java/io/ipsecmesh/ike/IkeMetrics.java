package io.ipsecmesh.ike;

import io.ipsecmesh.ike.engine.EngineStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@code ipsecmesh_ike_*} metrics. One set per registry, shared by every IkeVerticle of a JVM
 * (the gateway and tests deploy several into one process).
 */
final class IkeMetrics implements EngineStats {

  private static final Map<PrometheusRegistry, IkeMetrics> BY_REGISTRY = new WeakHashMap<>();

  private final Counter received;
  private final Counter sent;
  private final Counter retransmissions;
  private final Counter malformed;
  private final Counter authFailures;
  private final Counter cookies;
  private final Counter halfOpenDrops;
  private final Counter retransmissionsAnswered;
  private final Counter dosDrops;
  private final Counter socketDrops;
  private final Counter fragmentDrops;
  private final Counter childSasUnconfirmed;
  private final io.prometheus.metrics.core.metrics.Histogram answerWaits;
  final Gauge ikeSas;
  final Gauge childSas;

  private IkeMetrics(PrometheusRegistry r) {
    received = Counter.builder().name("ipsecmesh_ike_messages_received").help("IKEv2 messages that decoded")
        .labelNames("exchange").withoutExemplars().register(r);
    sent = Counter.builder().name("ipsecmesh_ike_messages_sent").help("IKEv2 messages sent, retransmissions included")
        .labelNames("exchange").withoutExemplars().register(r);
    retransmissions = Counter.builder().name("ipsecmesh_ike_retransmissions")
        .help("IKEv2 requests retransmitted for lack of a response").withoutExemplars().register(r);
    malformed = Counter.builder().name("ipsecmesh_ike_messages_dropped")
        .help("IKEv2 messages dropped: malformed or failing the SK integrity check").withoutExemplars().register(r);
    authFailures = Counter.builder().name("ipsecmesh_ike_authentication_failures")
        .help("IKE_AUTH exchanges that failed authentication (either side)").withoutExemplars().register(r);
    cookies = Counter.builder().name("ipsecmesh_ike_cookies_demanded")
        .help("IKE_SA_INIT requests answered with a COOKIE under load").withoutExemplars().register(r);
    halfOpenDrops = Counter.builder().name("ipsecmesh_ike_half_open_limit_drops")
        .help("IKE_SA_INIT requests dropped at the half-open limit").withoutExemplars().register(r);
    retransmissionsAnswered = Counter.builder().name("ipsecmesh_ike_retransmissions_answered")
        .help("retransmitted requests answered from the reply cache (bitwise identical, from the SA's peer)")
        .labelNames("version").withoutExemplars().register(r);
    dosDrops = Counter.builder().name("ipsecmesh_ike_requests_dropped")
        .help("IKE requests dropped or refused by a DoS limit: altered-retransmission, retransmission-from-elsewhere, "
            + "half-open-peer-quota, child-sa-limit, not-configured, load (a new SA while the IKE socket is backlogged)")
        .labelNames("version", "reason").withoutExemplars().register(r);
    socketDrops = Counter.builder().name("ipsecmesh_ike_socket_drops")
        .help("IKE datagrams the kernel dropped unread at ike-service's IKE socket (receive buffer full); DPD does not "
            + "count the probes outstanding then against their peers").withoutExemplars().register(r);
    fragmentDrops = Counter.builder().name("ipsecmesh_ike_fragments_dropped")
        .help("IKEv2 fragments dropped (RFC 7383 §2.6): too-many-fragments, older-set, replay, integrity, "
            + "reassembly-limit, malformed, timeout, answered, not-negotiated")
        .labelNames("reason").withoutExemplars().register(r);
    childSasUnconfirmed = Counter.builder().name("ipsecmesh_ike_child_sas_unconfirmed")
        .help("Child SAs whose responder answer (RFC 7296 2.8) or rekey initiator DELETE of the old SA left after 1 s"
            + " without an esp-forwarder's confirmation that it accepts ESP on them").withoutExemplars().register(r);
    answerWaits = io.prometheus.metrics.core.metrics.Histogram.builder()
        .name("ipsecmesh_ike_child_sa_answer_wait_seconds")
        .help("How long an answer that installed Child SAs, or a rekey initiator's DELETE of the old SA, waited for the"
            + " esp-forwarder's confirmation (ms resolution)")
        .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1).withoutExemplars().register(r);
    ikeSas = Gauge.builder().name("ipsecmesh_ike_sas").help("established IKEv2 SAs").withoutExemplars().register(r);
    childSas = Gauge.builder().name("ipsecmesh_ike_child_sas").help("installed Child SAs negotiated by IKEv2")
        .withoutExemplars().register(r);
  }

  static IkeMetrics of(PrometheusRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(registry, IkeMetrics::new);
    }
  }

  @Override
  public void received(String exchange) {
    received.labelValues(exchange).inc();
  }

  @Override
  public void sent(String exchange) {
    sent.labelValues(exchange).inc();
  }

  @Override
  public void retransmitted() {
    retransmissions.inc();
  }

  @Override
  public void malformed() {
    malformed.inc();
  }

  @Override
  public void authenticationFailed() {
    authFailures.inc();
  }

  @Override
  public void cookieDemanded() {
    cookies.inc();
  }

  @Override
  public void childSaAnswerWaited(long millis) {
    answerWaits.observe(millis / 1000.0);
  }

  @Override
  public void childSaUnconfirmed() {
    childSasUnconfirmed.inc();
  }

  @Override
  public void halfOpenLimitHit() {
    halfOpenDrops.inc();
  }

  @Override
  public void fragmentDropped(String reason) {
    fragmentDrops.labelValues(reason).inc();
  }

  @Override
  public void retransmissionAnswered(int ikeVersion) {
    retransmissionsAnswered.labelValues(Integer.toString(ikeVersion)).inc();
  }

  /** {@code n} datagrams lost at the IKE socket since the last reading. */
  public void socketDrops(long n) {
    socketDrops.inc(n);
  }

  @Override
  public void requestDropped(int ikeVersion, String reason) {
    dosDrops.labelValues(Integer.toString(ikeVersion), reason).inc();
  }
}
