package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * Two IKEv1 engines wired back to back in virtual time: A (10.0.0.1, protects 10.1.0.0/24) and B
 * (10.0.0.2, protects 10.2.0.0/24). Datagrams queue up and {@link #pump()} delivers them in order; a
 * drop filter loses chosen ones, and {@link #natInFrontOfA} rewrites A's source address and ports the way
 * a NAT would, so that B sees 192.0.2.1 with translated ports.
 */
final class TwoGateways {

  static final String A = "10.0.0.1";
  static final String B = "10.0.0.2";
  static final String NAT_OUTSIDE = "192.0.2.1";
  static final KeyWrap WRAP = new KeyWrap(new byte[32]);

  final VirtualScheduler clock = new VirtualScheduler();
  final Events a = new Events();
  final Events b = new Events();
  final Ikev1Service serviceA;
  /** Not final: a takeover test replaces it with the engine that adopts B's ISAKMP SA. */
  Ikev1Service serviceB;
  final Deque<IkeDatagram> wire = new ArrayDeque<>();
  final List<IkeDatagram> sentByA = new ArrayList<>();
  final List<IkeDatagram> sentByB = new ArrayList<>();
  Predicate<IkeDatagram> drop = d -> false;
  boolean natInFrontOfA;
  /** The NAT's outside port for A's 4500 (a NAT may remap it at any time). */
  int natPortFor4500 = 34500;
  /** Both services receive as from sockets bound to the wildcard, as in production: datagrams name 0.0.0.0. */
  boolean wildcardSockets;

  /** What one side's listener heard. */
  static final class Events implements IkeEventSink {
    final List<ChildSa> children = new ArrayList<>();
    final List<ChildSa> rebound = new ArrayList<>();
    final List<String> quickModeFailures = new ArrayList<>();

    @Override
    public void childSaFailed(String peer, String reason) {
      quickModeFailures.add(reason);
    }

    @Override
    public void childSaRebound(ChildSa sa) {
      rebound.add(sa);
    }
    final List<SaMessages.ChildSaDeleted> deleted = new ArrayList<>();
    final List<IkeMessages.PeerUp> up = new ArrayList<>();
    final List<IkeMessages.PeerDown> down = new ArrayList<>();
    final List<IkeMessages.LivenessProof> liveness = new ArrayList<>();
    final List<io.ipsecmesh.proto.sa.IkeSaSummary> rows = new ArrayList<>();
    final List<io.ipsecmesh.proto.sa.IkeSaSummary> removedRows = new ArrayList<>();

    @Override
    public void summaryChanged(io.ipsecmesh.proto.sa.IkeSaSummary s) {
      rows.add(s);
    }

    @Override
    public void ikeSaDown(io.ipsecmesh.proto.sa.IkeSaSummary s, String reason) {
      removedRows.add(s);
      down.add(new IkeMessages.PeerDown(s.ikeSaId(), s.dst(), s.peerPort(), s.peerId(), reason));
    }

    @Override
    public void childSaInstalled(ChildSa sa) {
      children.add(sa);
    }

    @Override
    public void childSaDeleted(SaMessages.ChildSaDeleted d) {
      deleted.add(d);
    }

    @Override
    public void ikeSaUp(io.ipsecmesh.proto.sa.IkeSaSummary s, String cryptoMap, int mapSequence) {
      up.add(new IkeMessages.PeerUp(s.ikeSaId(), s.dst(), s.peerPort(), s.peerId(), s.version(), cryptoMap,
          mapSequence));
    }

    @Override
    public void livenessProof(String ikeSaId, String peerAddress) {
      liveness.add(new IkeMessages.LivenessProof(ikeSaId, peerAddress));
    }
  }

  TwoGateways() {
    serviceA = new Ikev1Service(clock, a, WRAP, RetransmitPolicy.DEFAULT, this::sendFromA);
    serviceB = new Ikev1Service(clock, b, WRAP, RetransmitPolicy.DEFAULT, this::sendFromB);
  }

  static Ikev1Policy policy(String local, String peer, String psk, Ikev1Suite suite, EspTransform esp,
      String localNet, String remoteNet) {
    return new Ikev1Policy("vpn", 10, peer, local, new Ikev1Policy.Identity(IsakmpConstants.ID_IPV4_ADDR, local),
        Ikev1Policies.remote(null, peer) /* no isakmp profile: what production accepts */, psk.getBytes(StandardCharsets.UTF_8), List.of(suite), List.of(esp), null,
        List.of(TrafficSelector.anyPorts(localNet + ".0", localNet + ".255")),
        List.of(TrafficSelector.anyPorts(remoteNet + ".0", remoteNet + ".255")), ChildSa.Mode.TUNNEL, 64, 3600,
        4_608_000, 0, "copy");
  }

  static Ikev1Policy withPfs(Ikev1Policy p, int group) {
    return new Ikev1Policy(p.cryptoMap(), p.mapSequence(), p.peerAddress(), p.localAddress(), p.localId(),
        p.remote(), p.psk(), p.suites(), p.espTransforms(), DhGroup.byId(group), p.localSelectors(),
        p.remoteSelectors(), p.mode(), p.replayWindow(), p.lifetimeSeconds(), p.lifetimeKilobytes(),
        p.idleTimeSeconds(), p.dfBit());
  }

  static Ikev1Suite suite(int bits, Ikev1Hash hash, int group) {
    return new Ikev1Suite(bits, hash, DhGroup.byId(group), 86_400);
  }

  Ikev1Engine serviceAEngine() {
    return serviceA.engine();
  }

  void configure(Ikev1Policy forA, Ikev1Policy forB) {
    serviceA.setPolicies(List.of(forA));
    serviceB.setPolicies(List.of(forB));
  }

  private void sendFromA(IkeDatagram d) {
    sentByA.add(d);
    wire.add(d);
  }

  void sendFromB(IkeDatagram d) {
    sentByB.add(d);
    wire.add(d);
  }

  /** Delivers queued datagrams (and what they cause) until the wire is quiet. */
  void pump() {
    int guard = 0;
    while (!wire.isEmpty()) {
      if (++guard > 1000) {
        throw new AssertionError("message storm");
      }
      IkeDatagram d = wire.poll();
      if (drop.test(d)) {
        continue;
      }
      boolean fromA = d.localAddress().equals(A);
      if (fromA) {
        String src = natInFrontOfA ? NAT_OUTSIDE : A;
        int port = !natInFrontOfA ? d.localPort() : d.localPort() == 4500 ? natPortFor4500 : 30000 + d.localPort();
        IkeDatagram in = new IkeDatagram(wildcardSockets ? "0.0.0.0" : d.peerAddress(), d.peerPort(), src, port,
            d.message());
        serviceB.receive(in, this::sendFromB);
      } else {
        boolean toNat = d.peerAddress().equals(NAT_OUTSIDE);
        int port = !toNat ? d.peerPort() : d.peerPort() == natPortFor4500 ? 4500 : d.peerPort() - 30000;
        IkeDatagram in = new IkeDatagram(wildcardSockets ? "0.0.0.0" : A, port, d.localAddress(), d.localPort(),
            d.message());
        serviceA.receive(in, this::sendFromA);
      }
    }
  }

  /** Advance virtual time in steps, delivering whatever the timers send. */
  void advance(long millis) {
    long end = clock.nowMillis() + millis;
    while (clock.nowMillis() < end) {
      clock.advance(Math.min(100, end - clock.nowMillis()));
      pump();
    }
  }
}
