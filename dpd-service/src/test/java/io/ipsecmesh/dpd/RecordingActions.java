package io.ipsecmesh.dpd;

import io.ipsecmesh.proto.time.Scheduler;
import java.util.ArrayList;
import java.util.List;

/** Records what the state machines ask for, with the virtual instant, like the seed's debug trace. */
final class RecordingActions implements DpdActions {

  record Probe(long atMillis, String ikeSaId, int attempt, long timeoutMillis) {}

  record Death(long atMillis, String ikeSaId, long silentForMillis) {}

  private final Scheduler clock;
  final List<Probe> probes = new ArrayList<>();
  final List<Death> deaths = new ArrayList<>();
  /** When set, every probe is answered at once (a healthy peer with a negligible round trip). */
  DeadPeerDetector answerWith;

  RecordingActions(Scheduler clock) {
    this.clock = clock;
  }

  @Override
  public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {
    probes.add(new Probe(clock.nowMillis(), peer.ikeSaId(), attempt, timeoutMillis));
    if (answerWith != null) {
      answerWith.probeAcknowledged(peer.ikeSaId());
    }
  }

  @Override
  public void peerDead(IkePeer peer, long silentForMillis) {
    deaths.add(new Death(clock.nowMillis(), peer.ikeSaId(), silentForMillis));
  }

  /** Probe instants in seconds, for assertions that read like the trace. */
  List<Double> probeSeconds() {
    return probes.stream().map(p -> p.atMillis() / 1000.0).toList();
  }

  List<Integer> attempts() {
    return probes.stream().map(Probe::attempt).toList();
  }
}
