package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.proto.cluster.InstanceMembership;
import io.ipsecmesh.proto.cluster.MemberHeartbeats;
import io.ipsecmesh.proto.cluster.RendezvousHash;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Two forwarder instances share one gateway's Child SAs (scale-out): each pair has exactly one owner, a packet
 * that reaches the other instance is handed to it, and when the owner dies the survivor takes the pair over with
 * a sequence number above every number ever reserved for it — never one that may have been sent. Heartbeats,
 * membership timeouts and reservations all run on a virtual clock here; the hand-off is direct (the bus in
 * production, {@code ha.EspHandoff}), the reservation map a {@link ConcurrentHashMap} with the same
 * putIfAbsent/replace contract as Hazelcast's IMap.
 */
class SaOwnershipTest {

  private static final String A = "esp-a";
  private static final String B = "esp-b";
  private static final InetSocketAddress PEER = new InetSocketAddress("172.31.250.2", 4500);

  /** {@code ipsec.seq-reservations}, shared by both instances. */
  private final ConcurrentHashMap<String, String> shared = new ConcurrentHashMap<>();
  /** {@code ipsec.sa-counters}, shared by both instances: each writes the rows of the pairs it owns. */
  private final ConcurrentHashMap<String, String> counters = new ConcurrentHashMap<>();
  private final List<Instance> instances = new ArrayList<>();
  private final TestGateway peer = new TestGateway();
  private long now;

  /** One esp-forwarder process: its data plane, installer, membership and ownership. */
  private final class Instance {
    final String id;
    final TestGateway gw = new TestGateway();
    final SequenceReservations reservations = new SequenceReservations(shared, null);
    final InstanceMembership membership;
    final SaOwnership ownership;
    final SaInstaller installer;
    /** Writes this instance's counters rows, with the replay checkpoints, as once a second in production. */
    final SaSupervisor supervisor;
    final List<String> events = new ArrayList<>();
    /** Owners named by packets this instance could not hand to an instance (fenced, not joined). */
    final List<String> dropped = new ArrayList<>();
    /** Reservations waiting for the test to complete them (a Hazelcast round trip), when {@link #deferred}. */
    final ArrayDeque<Runnable> inFlight = new ArrayDeque<>();
    boolean deferred;
    boolean alive = true;

    Instance(String id) {
      this.id = id;
      gw.sad.setSpd(SaInstallerTest.spd());
      membership = new InstanceMembership(id, SaOwnership.MEMBER_TIMEOUT_MILLIS);
      SaInstaller.Reserver reserver = (pair, done) -> {
        Runnable r = () -> {
          try {
            done.accept(SaInstaller.Reservation.of(reservations.reserve(pair.sa(), false)));
          } catch (java.io.IOException e) {
            done.accept(SaInstaller.Reservation.failed(e.getMessage()));
          }
        };
        if (deferred) {
          inFlight.add(r);
        } else {
          r.run();
        }
      };
      // a takeover reads the old owner's replay checkpoint after the block, as the verticle wires it
      SaInstaller.Reserver takeover = ReplayCheckpoints.onTakeover(reserver, sa -> ReplayCheckpoints.read(counters, sa),
          (work, done) -> {
            try {
              done.accept(work.call(), null);
            } catch (Exception e) {
              done.accept(null, e);
            }
          });
      ownership = new SaOwnership(id, gw.sad, takeover, new SaOwnership.Events() {
        @Override
        public void tookOver(SaPair pair, long first) {
          events.add(now + " took " + SaOwnership.key(pair.sa()) + " at " + first);
        }

        @Override
        public void released(SaPair pair, String owner) {
          events.add(now + " released " + SaOwnership.key(pair.sa()) + " to " + owner);
        }

        @Override
        public void noSequenceNumbers(SaPair pair, String why) {
          events.add(now + " starved " + why);
        }
      });
      installer = new SaInstaller(gw.sad, gw.factory, reserver, new SaInstaller.Events() {
        @Override
        public void built(SaPair pair) {
          ownership.built(pair);
        }

        @Override
        public void installed(SaPair pair) {
          ownership.installed(pair);
        }

        @Override
        public void noSequenceNumbers(SaPair pair, String why) {}

        @Override
        public void rekey(SaPair pair) {}

        @Override
        public void discard(SaPair pair) {}

        @Override
        public void log(String line) {}
      }, () -> now, () -> now);
      Handoff toOwner = new Handoff() {
        @Override
        public void inbound(String owner, byte[] a, int off, int len, InetSocketAddress sender, boolean udp) {
          Instance o = instance(owner);
          if (o == null) {
            dropped.add(owner);
          } else {
            o.gw.receive(Arrays.copyOfRange(a, off, off + len), sender);
          }
        }

        @Override
        public void outbound(String owner, byte[] a, int off, int len) {
          Instance o = instance(owner);
          if (o == null) {
            dropped.add(owner);
          } else {
            o.gw.port.inject(Arrays.copyOfRange(a, off, off + len));
          }
        }
      };
      supervisor = new SaSupervisor(id, gw.sad, gw.plane.acquires(), gw.plane.invalidSpis(),
          new io.ipsecmesh.proto.time.VirtualScheduler(), new RecordingSink(() -> now) {
            @Override
            public void counters(List<io.ipsecmesh.proto.sa.SaCounters> all) {
              for (io.ipsecmesh.proto.sa.SaCounters c : all) { // the owner's rows only, as the verticle writes them
                SaPair p = gw.sad.get(c.inboundSpi());
                if (p != null && p.remoteOwner() == null) {
                  counters.put(io.ipsecmesh.proto.sa.SharedMaps.spiKey(c.inboundSpi()),
                      io.ipsecmesh.proto.bus.RecordJson.toJson(c).encode());
                }
              }
            }
          }, () -> "172.31.250.1");
      gw.plane.inbound().handoff(toOwner);
      gw.plane.outbound().handoff(toOwner);
      instances.add(this);
    }

    void install(ChildSa sa) {
      installer.install(sa, false);
    }

    SaPair pair(ChildSa sa) {
      return gw.sad.get(sa.inboundSpi());
    }

    /** One inner packet from the LAN reaching this instance's TUN queue; the sequence number it left with. */
    long sendFromLan() {
      for (Instance i : instances) {
        i.gw.sent.packets.clear();
      }
      gw.port.inject(Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, 100));
      long seq = -1;
      for (Instance i : instances) {
        TestGateway.CapturingSender.Sent s = i.gw.sent.packets.poll();
        if (s != null) {
          assertEquals(-1, seq, "one packet on the wire");
          seq = EspHeader.readSeqLow(s.packet(), 0);
          sender = i.id;
        }
      }
      return seq;
    }

    /** An inner packet this instance may not send nor hand to an instance: dropped, naming {@code why}. */
    long sendFromLanDroppingAt(String why) {
      dropped.clear();
      long seq = sendFromLan();
      assertEquals(List.of(why), dropped);
      return seq;
    }

    void completeReservations() {
      while (!inFlight.isEmpty()) {
        inFlight.poll().run();
      }
    }
  }

  /** Who put the last packet on the wire. */
  private String sender;

  /** The instance {@code id} names, alive (a handed-off packet to a dead one is lost, as on the bus). */
  private Instance instance(String id) {
    for (Instance i : instances) {
      if (i.id.equals(id) && i.alive) {
        return i;
      }
    }
    return null;
  }

  /**
   * One heartbeat round at virtual time {@code now}: every live instance joins, publishes, hears the others and
   * expires the silent ones, as {@link MemberHeartbeats} does once a second.
   */
  private void heartbeatRound() {
    for (Instance i : instances) {
      if (!i.alive) {
        continue;
      }
      boolean changed = i.membership.join();
      for (Instance other : instances) {
        if (other.alive && other != i) {
          changed |= i.membership.heard(other.id, false, now);
        }
      }
      changed |= i.membership.expire(now);
      if (changed) {
        i.ownership.members(i.membership.members());
      }
    }
  }

  private void advanceTo(long t) {
    while (now + MemberHeartbeats.HEARTBEAT_MILLIS <= t) {
      now += MemberHeartbeats.HEARTBEAT_MILLIS;
      heartbeatRound();
    }
    now = t;
  }

  /** A negotiated AES-GCM SA as ike-service announces it to every forwarder. */
  private static ChildSa childSa(long inSpi, long outSpi) {
    return SaInstallerTest.childSa("0a0b0c0d0e0f1011:1213141516171819", inSpi, outSpi, 1000, 4500, false);
  }

  /** The peer's half of {@code sa}, installed at the peer (a strongSwan stand-in) with numbers from 1. */
  private void peerHas(ChildSa sa) {
    peer.sad.setSpd(SecurityPolicyDatabase.build(ManualKeyConfigs.withMaps(
        List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("172.31.250.1"),
            List.of("CBC"), null, null, "101", null, null, null)),
        List.of(new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
            new AddressMatch("10.91.12.0", "0.0.0.255"), null, new AddressMatch("10.91.11.0", "0.0.0.255"), null,
            null)))),
        "172.31.250.2")));
    KeyWrap w = KeyWrap.fromEnvironment();
    byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
    k[0] = (byte) sa.inboundSpi(); // SaInstallerTest.childSa's keys
    ChildSa mirror = new ChildSa(sa.ikeSaId(), 7, "VPN", 10, sa.outboundSpi(), sa.inboundSpi(),
        EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true, false, 64, "172.31.250.2", 4500, "172.31.250.1", 4500,
        List.of(TrafficSelector.anyPorts("10.91.12.0", "10.91.12.255")),
        List.of(TrafficSelector.anyPorts("10.91.11.0", "10.91.11.255")), new ChildSa.Lifetime(0, 0, 0, 0), 0,
        "copy", w.wrap(k), w.wrap(k), 1000);
    peer.install(peer.factory.build(mirror, false, peer.sad.spd()));
  }

  /** An ESP packet from the peer on {@code sa}, as the wire carries it. */
  private byte[] fromPeer() {
    peer.sent.packets.clear();
    peer.port.inject(Packets.udp4(new int[] {10, 91, 12, 1}, new int[] {10, 91, 11, 1}, 2, 1, 60));
    return peer.sent.packets.poll().packet();
  }

  /** The first SA (SPIs from 0xc0000000) whose owner over {A, B} is {@code owner}. */
  private static ChildSa ownedBy(String owner) {
    for (long spi = 0xc0000000L; ; spi++) {
      if (owner.equals(RendezvousHash.owner(io.ipsecmesh.esp.steer.SpiBuckets.key(
          io.ipsecmesh.esp.steer.SpiBuckets.bucket(spi)), Set.of(A, B)))) {
        return childSa(spi, spi + 0x1000);
      }
    }
  }

  /**
   * Where the two-instance cases start: A and B joined at t = 0 and a pair owned by A installed at both (A reserves
   * [1, 2^20], B [2^20 + 1, 2^21] and keeps it unused).
   */
  private final class PairOwnedByA {
    final Instance a = new Instance(A);
    final Instance b = new Instance(B);
    final ChildSa sa;

    PairOwnedByA() {
      heartbeatRound(); // t = 0
      sa = ownedBy(A);
      a.install(sa);
      b.install(sa);
    }

    /** A killed (kill -9); B takes the pair over after two missed heartbeats. B's inbound half of the pair. */
    InboundSa killAAndLetBTakeOver() {
      a.alive = false;
      advanceTo(3_000);
      assertNull(b.pair(sa).remoteOwner(), "B took the pair over");
      return b.pair(sa).inbound();
    }
  }

  @Test
  void everyPairHasExactlyOneOwnerAndTheyAgree() {
    Instance a = new Instance(A);
    Instance b = new Instance(B);
    heartbeatRound();
    int ownedByA = 0;
    for (int i = 0; i < 1000; i++) {
      ChildSa sa = childSa(0xc1000000L + i * 7919L, 0xd1000000L + i);
      a.install(sa);
      b.install(sa);
      String atA = a.pair(sa).remoteOwner();
      String atB = b.pair(sa).remoteOwner();
      assertTrue(atA == null ^ atB == null, "exactly one owner of " + SaOwnership.key(sa));
      assertEquals(atA == null ? A : B, atA == null ? atB : atA, "both name the same owner");
      ownedByA += atA == null ? 1 : 0;
    }
    assertTrue(ownedByA > 425 && ownedByA < 575, "within 15 % of even: " + ownedByA);
  }

  @Test
  void aNonOwnerHandsBothDirectionsToTheOwnerWhichAloneCountsAndSeals() {
    PairOwnedByA c = new PairOwnedByA();
    Instance a = c.a;
    Instance b = c.b;
    ChildSa sa = c.sa;
    peerHas(sa);
    assertNull(a.pair(sa).remoteOwner());
    assertEquals(A, b.pair(sa).remoteOwner());

    // outbound: the kernel's TUN queue of B got the packet; A seals it with A's numbers
    assertEquals(1, b.sendFromLan());
    assertEquals(A, sender);
    assertEquals(2, a.sendFromLan());
    assertEquals(3, b.sendFromLan());
    assertEquals(0, b.pair(sa).outbound().encaps());
    assertEquals(3, a.pair(sa).outbound().encaps());

    // inbound: SO_REUSEPORT gave the ESP packet to B; A's replay window and counters see it, once
    b.gw.receive(fromPeer(), PEER);
    a.gw.receive(fromPeer(), PEER);
    assertEquals(2, a.pair(sa).inbound().decaps());
    assertEquals(0, b.pair(sa).inbound().decaps());
    assertEquals(0, b.pair(sa).inbound().replayFailures());
    assertEquals(0, b.gw.port.pending());
    assertEquals(2, a.gw.port.pending());
  }

  @Test
  void killedOwnerIsReplacedAfterTwoMissedHeartbeatsAboveEveryReservedNumber() {
    PairOwnedByA c = new PairOwnedByA(); // A reserves [1, 2^20], B [2^20 + 1, 2^21] and keeps it unused
    Instance a = c.a;
    Instance b = c.b;
    ChildSa sa = c.sa;
    assertEquals(1, a.sendFromLan());
    assertEquals(2, b.sendFromLan());

    a.alive = false; // kill -9 just after A's heartbeat at t = 0
    advanceTo(2_000);
    assertEquals(A, b.pair(sa).remoteOwner(), "two heartbeats missed: not yet");
    assertEquals(-1, b.sendFromLan(), "handed to the dead owner: lost");
    advanceTo(3_000);
    assertNull(b.pair(sa).remoteOwner(), "the third round finds A silent for more than 2 s");
    long jump = 2 * SequenceReservations.BLOCK + 1;
    assertEquals(List.of("3000 took " + SaOwnership.key(sa) + " at " + jump), b.events);
    assertEquals(jump, b.sendFromLan(), "above A's block and above B's own unused one");
    assertEquals(B, sender);
    assertEquals(jump + 1, b.sendFromLan());
  }

  @Test
  void ownershipMovingBackAndForthNeverSendsANumberTwiceOrGoesBack() {
    PairOwnedByA c = new PairOwnedByA();
    Instance a = c.a;
    Instance b = c.b;
    ChildSa sa = c.sa;
    List<Long> wire = new ArrayList<>();
    wire.add(a.sendFromLan());
    wire.add(b.sendFromLan());

    a.alive = false;
    advanceTo(3_000);
    wire.add(b.sendFromLan());
    wire.add(b.sendFromLan());

    // A restarts with the same id: it installs the SA from the map, hears B, joins and takes its share back
    instances.remove(a);
    Instance a2 = new Instance(A);
    a2.install(sa);
    assertEquals(SaOwnership.NOT_JOINED, a2.pair(sa).remoteOwner(), "sends nothing before it knows the others");
    assertEquals(-1, a2.sendFromLanDroppingAt(SaOwnership.NOT_JOINED));
    advanceTo(4_000);
    assertNull(a2.pair(sa).remoteOwner());
    assertEquals(A, b.pair(sa).remoteOwner());
    wire.add(b.sendFromLan());
    wire.add(a2.sendFromLan());

    for (int i = 1; i < wire.size(); i++) {
      assertTrue(wire.get(i) > wire.get(i - 1), "increasing on the wire: " + wire);
    }
    assertEquals(List.of(1L, 2L, 2 * SequenceReservations.BLOCK + 1, 2 * SequenceReservations.BLOCK + 2,
        4 * SequenceReservations.BLOCK + 1, 4 * SequenceReservations.BLOCK + 2), wire);
  }

  @Test
  void aTakeoverWhoseOwnershipMovesOnWhileReservingLeavesTheBlockUnused() {
    PairOwnedByA c = new PairOwnedByA();
    Instance a = c.a;
    Instance b = c.b;
    ChildSa sa = c.sa;
    b.deferred = true;
    b.ownership.members(Set.of(B)); // B alone for a moment (A's heartbeats late)
    assertEquals(1, b.inFlight.size());
    assertEquals(A, b.pair(sa).remoteOwner(), "handed off until the fresh block is there");
    b.ownership.members(Set.of(A, B)); // A heard again before the block came back
    b.completeReservations();
    assertEquals(A, b.pair(sa).remoteOwner());
    assertEquals(List.of(), b.events);
    assertEquals(1, a.sendFromLan());
    assertEquals(2, b.sendFromLan());
  }

  @Test
  void aFencedInstanceDropsInsteadOfSendingAndResumesAboveEverything() {
    Instance a = new Instance(A);
    heartbeatRound();
    ChildSa sa = childSa(0xc2000001L, 0xd2000001L);
    a.install(sa);
    assertEquals(1, a.sendFromLan());
    a.ownership.fence(true);
    assertEquals(SaOwnership.FENCED, a.pair(sa).remoteOwner());
    assertEquals(-1, a.sendFromLanDroppingAt(SaOwnership.FENCED));
    shared.compute(sa.saId(), (k, v) -> SequenceReservations.encode(sa.saId(), 5 * SequenceReservations.BLOCK));
    a.ownership.fence(false); // meanwhile the other side of the partition reserved up to 5 * 2^20
    assertEquals(5 * SequenceReservations.BLOCK + 1, a.sendFromLan());
  }

  /**
   * RFC 4303 §3.4.3 across a takeover: an attacker recorded the peer's ESP packets 1..5 that owner A accepted;
   * A checkpointed its window (its once-a-second counters row) and was killed; B takes the pair over and refuses
   * every recorded packet, then accepts the peer's next one. The two packets A accepted after its last row are the
   * exposure docs/architecture.md states: B accepts each of them once, never twice.
   */
  @Test
  void theAdopterRefusesAReplayOfWhatTheKilledOwnerAcceptedUpToItsCheckpoint() {
    PairOwnedByA c = new PairOwnedByA();
    Instance a = c.a;
    Instance b = c.b;
    ChildSa sa = c.sa;
    peerHas(sa);
    List<byte[]> recorded = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      byte[] esp = fromPeer(); // sequence number i
      recorded.add(esp);
      (i % 2 == 0 ? b : a).gw.receive(esp, PEER); // SO_REUSEPORT spreads them; B hands its share to A
    }
    assertEquals(5, a.pair(sa).inbound().decaps());
    a.supervisor.tick(); // A's row: checkpoint 5
    b.supervisor.tick(); // B owns nothing here: no row of it
    byte[] sixth = fromPeer();
    byte[] seventh = fromPeer();
    a.gw.receive(sixth, PEER);
    a.gw.receive(seventh, PEER); // accepted after A's last row, before the kill
    assertEquals(7, a.pair(sa).inbound().decaps());

    InboundSa in = c.killAAndLetBTakeOver();
    assertEquals(5, in.replayTop(), "B's window starts at A's checkpoint");
    assertTrue(!in.replayClosed());
    for (byte[] replay : recorded) {
      b.gw.receive(replay, PEER);
    }
    assertEquals(0, in.decaps(), "no recorded packet up to the checkpoint is accepted again");
    assertEquals(5, in.replayFailures());
    assertEquals(0, b.gw.port.pending(), "nothing reached B's inner side");

    // the exposure: what A accepted after its last row is accepted once by B, and only once
    b.gw.receive(sixth, PEER);
    b.gw.receive(seventh, PEER);
    b.gw.receive(sixth, PEER);
    assertEquals(2, in.decaps());
    assertEquals(6, in.replayFailures());

    b.gw.receive(fromPeer(), PEER); // the peer's next packet, 8
    assertEquals(3, in.decaps());
    assertEquals(8, in.replayTop());
    b.supervisor.tick(); // B's rows carry the window on for the next takeover
    assertEquals(8, ReplayCheckpoints.read(counters, sa));
  }

  @Test
  void aTakeoverWithoutACheckpointRefusesEveryInboundPacketRatherThanStartingEmpty() {
    PairOwnedByA c = new PairOwnedByA();
    Instance a = c.a;
    Instance b = c.b;
    ChildSa sa = c.sa;
    peerHas(sa);
    byte[] first = fromPeer();
    a.gw.receive(first, PEER); // A dies before its first row
    InboundSa in = c.killAAndLetBTakeOver();
    assertTrue(in.replayClosed(), "closed until the SA is replaced");
    b.gw.receive(first, PEER);
    b.gw.receive(fromPeer(), PEER);
    assertEquals(0, in.decaps());
    assertEquals(2, in.replayFailures());
    assertEquals(2 * SequenceReservations.BLOCK + 1, b.sendFromLan(), "outbound is not affected");
  }

  @Test
  void aCheckpointRowThatWasAlteredCountsAsNone() {
    PairOwnedByA c = new PairOwnedByA();
    Instance a = c.a;
    Instance b = c.b;
    ChildSa sa = c.sa;
    peerHas(sa);
    byte[] first = fromPeer();
    a.gw.receive(first, PEER);
    a.supervisor.tick();
    String key = io.ipsecmesh.proto.sa.SharedMaps.spiKey(sa.inboundSpi()); // the counters row's key
    io.vertx.core.json.JsonObject row = new io.vertx.core.json.JsonObject(counters.get(key));
    counters.put(key, row.put("inboundCheckpoint", 0).encode()); // lowered without the KEK: the MAC fails
    InboundSa in = c.killAAndLetBTakeOver();
    assertTrue(in.replayClosed());
    b.gw.receive(first, PEER);
    assertEquals(0, in.decaps());
  }
}
