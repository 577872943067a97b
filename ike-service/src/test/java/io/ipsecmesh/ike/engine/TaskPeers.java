package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;

import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * Tasks without an engine: two {@link TaskManager}s — a's IKE SA (the initiator, at {@link TestPeers#A}) and
 * b's — on the virtual-time wire of {@link TestPeers} (same {@link TestPeers.Packet}s, a {@link VirtualScheduler},
 * a drop filter). What stands in for the SA manager is only the lookup of the SA a datagram names by SPI in
 * each side's {@link SaServices#table}, and b's IKE SA made from a's first IKE_SA_INIT request.
 */
final class TaskPeers {

  final VirtualScheduler clock = new VirtualScheduler();
  final Deque<TestPeers.Packet> wire = new ArrayDeque<>();
  final List<TestPeers.Packet> sent = new ArrayList<>();
  final TestPeers.Recorder aEvents = new TestPeers.Recorder();
  final TestPeers.Recorder bEvents = new TestPeers.Recorder();
  final PolicyStore aPolicies = new PolicyStore();
  final PolicyStore bPolicies = new PolicyStore();
  final SaServices a;
  final SaServices b;
  Predicate<TestPeers.Packet> drop = p -> false;
  /** When set, a's packets appear to b as coming from this address, ports shifted by 10000 (a NAT). */
  String natAddress;
  /** a's IKE SA, and b's once a's IKE_SA_INIT arrived. */
  IkeSa aSa;
  IkeSa bSa;

  TaskPeers() {
    this(IkeEngine.Limits.DEFAULT);
  }

  TaskPeers(IkeEngine.Limits bLimits) {
    a = new SaServices(clock, (la, lp, pa, pp, m) -> wire.add(new TestPeers.Packet(A, lp, pa, pp, m)), aEvents,
        aPolicies, TestPeers.WRAP, RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, clock::nowMillis);
    b = new SaServices(clock, (la, lp, pa, pp, m) -> wire.add(new TestPeers.Packet(B, lp, pa, pp, m)), bEvents,
        bPolicies, TestPeers.WRAP, RetransmitPolicy.DEFAULT, bLimits, clock::nowMillis);
    a.setDebug(true);
    b.setDebug(true);
    symmetric(List.of(EspTransform.AES_GCM_128));
  }

  /** The same PSK policy on both sides (TestPeers' crypto map entry), with these ESP transforms. */
  void symmetric(List<EspTransform> esp) {
    aPolicies.replace(List.of(TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "interop-test-psk-0123456789",
        TestPeers.GCM, esp)));
    bPolicies.replace(List.of(TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "interop-test-psk-0123456789",
        TestPeers.GCM, esp)));
  }

  /** a's IKE SA towards b, with IKE_SA_INIT (and NAT detection) queued: what IkeEngine.initiate does. */
  IkeSa initiate() {
    aSa = a.newSa(true, a.newIkeSpi(), aPolicies.all().get(0), A, IkeEngine.IKE_PORT, B, IkeEngine.IKE_PORT);
    a.table.add(aSa);
    aSa.state = IkeSa.State.INIT_SENT;
    aSa.tasks.queue(IkeInitTask.initiator(a, aSa.policy.ikeSuites().get(0).dh()), new NatDetectionTask(a));
    return aSa;
  }

  /** IKE_SA_INIT and IKE_AUTH done: both IKE SAs up with one Child SA. */
  TaskPeers established() {
    initiate();
    run();
    if (aSa.state != IkeSa.State.ESTABLISHED || bSa.state != IkeSa.State.ESTABLISHED) {
      throw new AssertionError("the IKE SAs did not come up: " + aEvents.down + " / " + bEvents.down);
    }
    return this;
  }

  /** Delivers until the wire is quiet (bounded, so a message loop fails the test instead of hanging). */
  void run() {
    for (int i = 0; i < 1000 && !confirmInstalls().wire.isEmpty(); i++) {
      TestPeers.Packet p = wire.poll();
      sent.add(p);
      if (drop.test(p)) {
        continue;
      }
      if (p.from().equals(A)) {
        String src = natAddress == null ? A : natAddress;
        int port = natAddress == null ? p.fromPort() : p.fromPort() + 10000;
        deliver(b, new Datagram(B, p.toPort(), src, port, p.bytes()));
      } else {
        int port = natAddress == null ? p.toPort() : p.toPort() - 10000;
        deliver(a, new Datagram(A, port, B, p.fromPort(), p.bytes()));
      }
    }
  }

  /** Each side's forwarder confirms the Child SAs its task managers installed: what waited for them leaves. */
  TaskPeers confirmInstalls() {
    aEvents.confirmTo(a.confirmations::accepted);
    bEvents.confirmTo(b.confirmations::accepted);
    return this;
  }

  void advance(long millis) {
    clock.advance(millis);
    run();
  }

  private void deliver(SaServices to, Datagram d) {
    IkeMessage m;
    try {
      m = IkeCodec.decode(d.msg());
    } catch (IkeDecodeException e) {
      throw new AssertionError("a task sent an undecodable message", e);
    }
    IkeHeader h = m.header();
    IkeSa sa = to.table.bySpi(h.isFromInitiator() ? h.responderSpi() : h.initiatorSpi());
    if (sa == null && to == b && h.exchangeType() == IkeConstants.IKE_SA_INIT && !h.isResponse()) {
      sa = b.newSa(false, h.initiatorSpi(), bPolicies.all().get(0), B, d.localPort(), d.peerAddress(), d.peerPort());
      sa.tasks.receive(d, m);
      if (sa.state == IkeSa.State.INIT_DONE) {
        b.table.add(sa);
        bSa = sa;
      }
      return;
    }
    if (sa != null && sa.state != IkeSa.State.DELETED) {
      sa.tasks.receive(d, m);
    }
  }

  /** The live Child SAs an event recorder saw (installed, not deleted), by inbound SPI. */
  static List<Long> live(TestPeers.Recorder r) {
    List<Long> spis = new ArrayList<>(r.installed.stream().map(io.ipsecmesh.proto.sa.ChildSa::inboundSpi).toList());
    r.deleted.forEach(x -> spis.remove(x.inboundSpi()));
    return spis;
  }

  /** Exchange type byte of a packet (offset 18 of the IKE header). */
  static int exchangeOf(TestPeers.Packet p) {
    return p.bytes()[18] & 0xff;
  }

  /** Whether a packet is a response (R flag, offset 19). */
  static boolean isResponse(TestPeers.Packet p) {
    return (p.bytes()[19] & IkeConstants.FLAG_RESPONSE) != 0;
  }
}
