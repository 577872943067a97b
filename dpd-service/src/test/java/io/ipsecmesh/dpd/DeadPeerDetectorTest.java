package io.ipsecmesh.dpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DPD rules of the seed documents, in virtual time. The peer 10.2.80.209 and the instants follow the
 * {@code debug crypto isakmp} example: one R-U-THERE at 15:47:35, retransmissions every 2 s, the tunnel
 * DOWN at 15:47:45. Here the IKE SA comes up at t = 0 s.
 */
class DeadPeerDetectorTest {

  private static final IkePeer PEER = new IkePeer("0a1b2c3d4e5f6071:8192a3b4c5d6e7f8", "10.2.80.209", 500,
      "10.2.80.209", 1, "test", 1);

  private VirtualScheduler clock;
  private RecordingActions actions;
  private DpdMetrics metrics;
  private DeadPeerDetector dpd;

  @BeforeEach
  void setUp() {
    clock = new VirtualScheduler();
    actions = new RecordingActions(clock);
    metrics = DpdMetrics.of(new PrometheusRegistry());
  }

  private void configure(DpdSettings settings) {
    dpd = new DeadPeerDetector(clock, DpdPolicy.global(settings), actions, metrics);
    dpd.start();
  }

  private void at(double seconds) {
    clock.advanceTo(Math.round(seconds * 1000));
  }

  private String id() {
    return PEER.ikeSaId();
  }

  @Test
  void keepalive10Periodic_probesEvery10SecondsWhileThePeerAnswers() {
    configure(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    actions.answerWith = dpd;
    dpd.peerUp(PEER);
    at(45);
    assertEquals(List.of(10.0, 20.0, 30.0, 40.0), actions.probeSeconds());
    assertEquals(List.of(0, 0, 0, 0), actions.attempts(), "answered probes are never retransmitted");
    assertEquals(Optional.of(LivenessState.ALIVE), dpd.state(id()));
    assertEquals(4, metrics.probesSent());
    assertEquals(4, metrics.acknowledgements());
  }

  @Test
  void keepalive10_2Periodic_silentPeer_oneProbeFourRetransmissionsThenDownAt20() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(19.999);
    // 15:47:35 R-U-THERE, 37/39/41/43 PEERS_ALIVE_TIMER retransmissions …
    assertEquals(List.of(10.0, 12.0, 14.0, 16.0, 18.0), actions.probeSeconds());
    assertEquals(List.of(0, 1, 2, 3, 4), actions.attempts());
    assertTrue(actions.probes.stream().allMatch(p -> p.timeoutMillis() == 2000));
    assertEquals(Optional.of(LivenessState.PROBING), dpd.state(id()));
    assertTrue(actions.deaths.isEmpty());
    at(20);
    // … 15:47:45 "peer 10.2.80.209 not responding!": t0 + 5R, 10 s after the first probe.
    assertEquals(List.of(new RecordingActions.Death(20_000, id(), 20_000)), actions.deaths);
    assertEquals(Optional.of(LivenessState.DEAD), dpd.state(id()));
    assertEquals(1, metrics.probesSent());
    assertEquals(4, metrics.retransmissions());
    assertEquals(1, metrics.deaths());
    assertEquals(20.0, metrics.detectionLatencySumSeconds());
    at(100);
    assertEquals(1, actions.deaths.size(), "declared once");
    assertEquals(List.of(10.0, 12.0, 14.0, 16.0, 18.0), actions.probeSeconds(), "a dead peer is not probed");
  }

  /**
   * DPD under local overload: at 11 s this gateway's own IKE socket drops datagrams while the probe of 10 s is
   * outstanding — its answer may have been among them. At 12 s that attempt is not counted: it is sent again after
   * the interval, at 22 s; with no loss after, the retransmissions follow every 2 s and the peer is declared dead at
   * 32 s instead of 20 s.
   */
  @Test
  void keepalive10_2_aProbeOutstandingWhenThisGatewaysIkeSocketDropped_isSentAgainAfterTheIntervalNotCounted() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(11);
    dpd.receiveLoss();
    at(31.999);
    assertEquals(List.of(10.0, 22.0, 24.0, 26.0, 28.0, 30.0), actions.probeSeconds());
    assertEquals(List.of(0, 0, 1, 2, 3, 4), actions.attempts());
    assertEquals(Optional.of(LivenessState.PROBING), dpd.state(id()));
    assertTrue(actions.deaths.isEmpty());
    at(32);
    assertEquals(List.of(new RecordingActions.Death(32_000, id(), 32_000)), actions.deaths);
    assertEquals(1, metrics.inconclusiveProbes());
    assertEquals(2, metrics.probesSent(), "the first probe, and the same attempt again");
    assertEquals(4, metrics.retransmissions());
  }

  /**
   * While the socket keeps dropping (a report every second for a minute), no peer is declared dead and each is probed
   * at most once per interval plus retry — not five times as often, which is what fed the overload. Once the reports
   * stop, the rules of the seed apply again from the next probe.
   */
  @Test
  void keepalive10_2_whileTheIkeSocketKeepsDropping_noDeathAndOneProbePerInterval() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    for (int s = 1; s <= 59; s++) {
      at(s);
      dpd.receiveLoss();
    }
    at(100);
    assertEquals(List.of(10.0, 22.0, 34.0, 46.0, 58.0, 70.0, 72.0, 74.0, 76.0, 78.0), actions.probeSeconds());
    assertEquals(List.of(0, 0, 0, 0, 0, 0, 1, 2, 3, 4), actions.attempts());
    assertEquals(5, metrics.inconclusiveProbes());
    assertEquals(80_000, actions.deaths.getFirst().atMillis(), "dead 10 s after the first probe that counted");
  }

  @Test
  void keepalive10_2_aLossBeforeTheProbeWentOut_excusesNothing() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(9.5);
    dpd.receiveLoss();
    at(20);
    assertEquals(List.of(10.0, 12.0, 14.0, 16.0, 18.0), actions.probeSeconds());
    assertEquals(20_000, actions.deaths.getFirst().atMillis());
    assertEquals(0, metrics.inconclusiveProbes());
  }

  @Test
  void keepalive10_2_theRepeatedProbeAnswered_thePeerIsAliveAndProbedFromItsAnswer() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(11);
    dpd.receiveLoss();
    at(15);
    actions.answerWith = dpd; // the socket drains: answers get through again
    at(40);
    assertEquals(List.of(10.0, 22.0, 32.0), actions.probeSeconds());
    assertEquals(List.of(0, 0, 0), actions.attempts());
    assertEquals(Optional.of(LivenessState.ALIVE), dpd.state(id()));
    assertTrue(actions.deaths.isEmpty());
  }

  /**
   * A clump: 10 000 peers come up in the same millisecond (a burst of set-ups admitted at once). At 10 s their probes
   * leave paced, at most 100 per 10 ms tick, the last one tick short of 11 s; each retry timer runs from
   * its own probe, so the answered ones are never retransmitted. Their answers came back spread, and so one interval
   * later the probes are: nobody waits any more.
   */
  @Test
  void aClumpOfProbesLeavesPacedAndTheNextCycleIsSpread() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    actions.answerWith = dpd;
    for (int i = 0; i < 10_000; i++) {
      dpd.peerUp(new IkePeer("sa-" + i, "10.9." + (i >> 8) + "." + (i & 255), 500, "p" + i, 2, "hub", 10));
    }
    at(10);
    assertEquals(100, actions.probes.size(), "one tick's budget at 10 s");
    assertEquals(9_900, dpd.probesWaiting());
    at(10.990);
    assertEquals(10_000, actions.probes.size());
    assertEquals(0, dpd.probesWaiting());
    java.util.Map<Long, Long> perInstant = actions.probes.stream().collect(java.util.stream.Collectors.groupingBy(
        RecordingActions.Probe::atMillis, java.util.stream.Collectors.counting()));
    assertEquals(100L, perInstant.values().stream().mapToLong(Long::longValue).max().orElseThrow());
    assertEquals(10_000, actions.probes.stream().map(RecordingActions.Probe::ikeSaId).distinct().count(),
        "each peer once");
    at(29.999);
    assertEquals(20_000, actions.probes.size(), "every peer probed once per interval, 20.00–20.99 s the second time");
    assertTrue(actions.attempts().stream().allMatch(a -> a == 0), "no answered probe retransmitted");
    java.util.Map<Long, Long> second = actions.probes.stream().skip(10_000).collect(java.util.stream.Collectors
        .groupingBy(RecordingActions.Probe::atMillis, java.util.stream.Collectors.counting()));
    assertEquals(100L, second.values().stream().mapToLong(Long::longValue).max().orElseThrow(),
        "the second cycle is as spread as the paced first");
    assertEquals(0, metrics.retransmissions());
  }

  /** A peer answered (or removed) while its probe waited for its turn: nothing is sent for it. */
  @Test
  void aProbeWaitingForItsTurn_isDroppedWhenThePeerSpokeMeanwhile() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    for (int i = 0; i < 150; i++) {
      dpd.peerUp(new IkePeer("sa-" + i, "10.9.0." + i, 500, "p" + i, 2, "hub", 10));
    }
    at(10);
    assertEquals(100, actions.probes.size());
    java.util.Set<String> sent = actions.probes.stream().map(RecordingActions.Probe::ikeSaId)
        .collect(java.util.stream.Collectors.toSet());
    List<String> waiting = java.util.stream.IntStream.range(0, 150).mapToObj(i -> "sa-" + i)
        .filter(id -> !sent.contains(id)).toList();
    assertEquals(50, waiting.size());
    dpd.livenessProof(waiting.get(0)); // an IKE message from one of the 50 still waiting
    dpd.peerDown(waiting.get(1));
    at(10.010);
    assertEquals(148, actions.probes.size(), "the 48 still wanted, at the next tick");
    assertTrue(actions.probes.stream().noneMatch(p -> p.ikeSaId().equals(waiting.get(0))
        || p.ikeSaId().equals(waiting.get(1))));
  }

  @Test
  void deadPeerWithoutPeerDown_isForgottenAfterAMinute() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(79.9);
    assertEquals(Optional.of(LivenessState.DEAD), dpd.state(id()));
    at(80);
    assertEquals(Optional.empty(), dpd.state(id()), "ike.peer.down never came: dropped 60 s after the death");
    assertEquals(0, dpd.armedTimers());
    assertEquals(0.0, metrics.peers(LivenessState.DEAD));
  }

  @Test
  void keepalive30_20Periodic_easyVpnExample_retransmitsEvery20Seconds() {
    configure(DpdSettings.keepalive(30, 20, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(200);
    assertEquals(List.of(30.0, 50.0, 70.0, 90.0, 110.0), actions.probeSeconds());
    assertEquals(130_000, actions.deaths.getFirst().atMillis());
  }

  @Test
  void onDemand_noTrafficToSend_neverProbes() {
    configure(DpdSettings.keepalive(10));
    dpd.peerUp(PEER);
    at(3600);
    assertTrue(actions.probes.isEmpty());
    assertTrue(actions.deaths.isEmpty());
    assertEquals(0, dpd.armedTimers(), "on-demand DPD keeps no timer for an idle peer");
  }

  @Test
  void onDemand_outboundTrafficAndNothingReceivedFor10Seconds_probesThenDeclaresDead() {
    configure(DpdSettings.keepalive(10));
    dpd.peerUp(PEER);
    for (int s = 1; s <= 25; s++) {
      at(s);
      dpd.activity(PEER.peerAddress(), 4500, true, false); // the forwarder's summary: sent, nothing received
    }
    assertEquals(List.of(10.0, 12.0, 14.0, 16.0, 18.0), actions.probeSeconds());
    assertEquals(20_000, actions.deaths.getFirst().atMillis());
  }

  @Test
  void onDemand_trafficInBothDirections_noProbe() {
    configure(DpdSettings.keepalive(10));
    dpd.peerUp(PEER);
    for (int s = 1; s <= 120; s++) {
      at(s);
      dpd.activity(PEER.peerAddress(), 0, true, true);
    }
    assertTrue(actions.probes.isEmpty());
  }

  @Test
  void onDemand_trafficSentOnlyWhileThePeerWasRecentlyHeard_noProbe() {
    configure(DpdSettings.keepalive(10));
    dpd.peerUp(PEER);
    at(3);
    dpd.activity(PEER.peerAddress(), 0, true, false);
    at(60);
    assertTrue(actions.probes.isEmpty(), "liveness is only questioned when there is traffic to send");
  }

  @ParameterizedTest(name = "answer after attempt {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void ackAtAnyRetransmission_returnsToNormal(int answeredAttempt) {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    double answerAt = 10 + 2 * answeredAttempt + 0.5; // R-U-THERE-ACK half a second after that attempt
    at(answerAt);
    dpd.probeAcknowledged(id());
    assertEquals(Optional.of(LivenessState.ALIVE), dpd.state(id()));
    at(answerAt + 9.9);
    assertEquals(answeredAttempt + 1, actions.probes.size(), "no further retransmission");
    at(answerAt + 10);
    assertEquals(answerAt + 10, actions.probes.getLast().atMillis() / 1000.0, "next probe 10 s after the ACK");
    assertEquals(0, actions.probes.getLast().attempt());
    at(answerAt + 19);
    assertTrue(actions.deaths.isEmpty());
  }

  @Test
  void espReceivedFromPeer_provesLivenessAndPostponesTheProbe() {
    configure(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(5);
    dpd.activity(PEER.peerAddress(), 0, false, true);
    at(14.9);
    assertTrue(actions.probes.isEmpty());
    at(15);
    assertEquals(List.of(15.0), actions.probeSeconds());
  }

  @Test
  void espReceivedWhileProbing_returnsToNormal() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(13);
    dpd.activity(PEER.peerAddress(), 4500, false, true);
    assertEquals(Optional.of(LivenessState.ALIVE), dpd.state(id()));
    at(22.9);
    assertEquals(List.of(10.0, 12.0), actions.probeSeconds());
    at(23);
    assertEquals(List.of(10.0, 12.0, 23.0), actions.probeSeconds());
  }

  @Test
  void ikeLivenessProof_postponesTheProbe() {
    configure(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(7);
    dpd.livenessProof(id());
    at(30);
    assertEquals(List.of(17.0, 19.0, 21.0, 23.0, 25.0), actions.probeSeconds());
    assertEquals(27_000, actions.deaths.getFirst().atMillis());
    assertEquals(20_000, actions.deaths.getFirst().silentForMillis());
  }

  @Test
  void reconfiguredInterval_appliesFromTheLastSignOfLife() {
    configure(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    actions.answerWith = dpd;
    dpd.peerUp(PEER);
    at(5);
    dpd.reconfigure(DpdPolicy.global(DpdSettings.keepalive(30, DpdMode.PERIODIC)));
    at(65);
    assertEquals(List.of(30.0, 60.0), actions.probeSeconds());
  }

  @Test
  void reconfiguredFromPeriodicToOnDemand_idlePeerIsNoLongerProbed() {
    configure(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    actions.answerWith = dpd;
    dpd.peerUp(PEER);
    at(15);
    dpd.reconfigure(DpdPolicy.global(DpdSettings.keepalive(10)));
    at(120);
    assertEquals(List.of(10.0), actions.probeSeconds());
    assertEquals(0, dpd.armedTimers());
  }

  @Test
  void reconfiguredRetryWhileProbing_nextRetransmissionUsesIt() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(13);
    dpd.reconfigure(DpdPolicy.global(DpdSettings.keepalive(10, 5, DpdMode.PERIODIC)));
    at(40);
    assertEquals(List.of(10.0, 12.0, 17.0, 22.0, 27.0), actions.probeSeconds());
    assertEquals(5000, actions.probes.getLast().timeoutMillis());
    assertEquals(32_000, actions.deaths.getFirst().atMillis());
  }

  @Test
  void keepaliveRemovedWhileProbing_stopsProbing() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(13);
    dpd.reconfigure(DpdPolicy.disabled());
    at(100);
    assertEquals(List.of(10.0, 12.0), actions.probeSeconds());
    assertTrue(actions.deaths.isEmpty());
    assertEquals(Optional.of(LivenessState.ALIVE), dpd.state(id()));
  }

  @Test
  void peerDownWhileProbing_cancelsEverything() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(13);
    dpd.peerDown(id());
    at(100);
    assertEquals(List.of(10.0, 12.0), actions.probeSeconds());
    assertTrue(actions.deaths.isEmpty());
    assertEquals(Optional.empty(), dpd.state(id()));
    assertEquals(0, dpd.armedTimers());
    assertEquals(0, dpd.peers());
    for (LivenessState s : LivenessState.values()) {
      assertEquals(0.0, metrics.peers(s), s.name());
    }
  }

  @Test
  void activityForAnotherPortOfTheSameAddress_provesOnlyThatPeer() {
    // Two peers behind one NAT: same public address, different mapped ports.
    IkePeer a = new IkePeer("a", "198.51.100.7", 4500, "a", 2, "m", 1);
    IkePeer b = new IkePeer("b", "198.51.100.7", 61022, "b", 2, "m", 1);
    configure(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    dpd.peerUp(a);
    dpd.peerUp(b);
    at(5);
    dpd.activity("198.51.100.7", 61022, false, true);
    at(10);
    assertEquals(List.of("a"), actions.probes.stream().map(RecordingActions.Probe::ikeSaId).toList());
    at(15);
    assertEquals(List.of("a", "a", "a", "b"),
        actions.probes.stream().map(RecordingActions.Probe::ikeSaId).toList());
  }

  @Test
  void peersLeaveTheirAddressFromHeadMiddleOrTail_activityStillReachesExactlyThoseLeft() {
    // Many IKE SAs behind one address (a NAT, a load generator): each leaves its address's list without a walk
    configure(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    for (String id : List.of("a", "b", "c", "d", "e")) {
      dpd.peerUp(new IkePeer(id, "198.51.100.9", 500, id, 2, "m", 1));
    }
    dpd.peerDown("c"); // the middle of the list
    dpd.peerDown("e"); // its head (the last one up)
    dpd.peerDown("a"); // its tail
    dpd.peerUp(new IkePeer("f", "198.51.100.9", 500, "f", 2, "m", 1));
    assertEquals(3, dpd.peers());
    at(5);
    dpd.activity("198.51.100.9", 500, false, true); // received from the address: b, d and f are alive
    at(14.999);
    assertEquals(List.of(), actions.probes, "none of those left is probed 10 s after coming up; the removed never");
    at(15);
    assertEquals(List.of("b", "d", "f"),
        actions.probes.stream().map(RecordingActions.Probe::ikeSaId).sorted().toList());
    dpd.peerDown("b");
    dpd.peerDown("d");
    dpd.peerDown("f");
    assertEquals(0, dpd.peers());
    dpd.activity("198.51.100.9", 500, false, true); // no peer left at the address: nothing to reach
    assertEquals(0, dpd.armedTimers());
  }

  @Test
  void peerStates_areCountedInTheGauge() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    dpd.peerUp(new IkePeer("other", "10.0.0.2", 500, "10.0.0.2", 1, "test", 1));
    dpd.livenessProof("other");
    at(5);
    dpd.livenessProof("other");
    at(10);
    assertEquals(1.0, metrics.peers(LivenessState.ALIVE));
    assertEquals(1.0, metrics.peers(LivenessState.PROBING));
    at(20);
    // The first peer is dead; the other went silent at 5 s and has been probed since 15 s.
    assertEquals(1.0, metrics.peers(LivenessState.DEAD));
    assertEquals(1.0, metrics.peers(LivenessState.PROBING));
    assertEquals(0.0, metrics.peers(LivenessState.ALIVE));
  }
  @Test
  void ikev1PeerWithoutDpdVendorId_isNeverProbedAgainNorDeclaredDead() {
    configure(DpdSettings.keepalive(10, 2, DpdMode.PERIODIC));
    dpd.peerUp(PEER);
    at(10);
    assertEquals(List.of(10.0), actions.probeSeconds());
    // ike-service sent nothing (RFC 3706 §5.1) and says so at once
    dpd.dpdUnsupported(id());
    assertEquals(Optional.of(LivenessState.ALIVE), dpd.state(id()));
    at(120);
    assertEquals(List.of(10.0), actions.probeSeconds(), "no retransmission, no periodic probe");
    assertTrue(actions.deaths.isEmpty(), "IOS never declares a peer without DPD dead");
    // a new configuration does not bring the probes back for this IKE SA ...
    dpd.reconfigure(DpdPolicy.global(DpdSettings.keepalive(15, 2, DpdMode.PERIODIC)));
    at(240);
    assertEquals(1, actions.probes.size());
    assertTrue(actions.deaths.isEmpty());
    // ... a new IKE SA with the peer asks again (the peer may have started announcing DPD)
    dpd.peerUp(PEER);
    at(255);
    assertEquals(List.of(10.0, 255.0), actions.probeSeconds());
  }
}
