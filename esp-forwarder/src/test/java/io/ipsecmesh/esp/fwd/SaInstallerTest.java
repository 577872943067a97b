package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A Child SA is installed exactly once whatever order the bus (ike-service announces it first, make-before-break)
 * and the Hazelcast map listener deliver it: bus then map, map then bus, map twice (initial read and listener
 * event). Its sequence-number reservation is keyed by the SA id, not the peer-chosen SPI, and a re-delivery
 * never releases it. The reservation map here is a {@link ConcurrentHashMap}: the same {@code ConcurrentMap}
 * contract (putIfAbsent / replace) as the Hazelcast IMap the forwarder uses.
 */
class SaInstallerTest {

  private final TestGateway gw = new TestGateway();
  private final Map<String, String> shared = new ConcurrentHashMap<>();
  private final SequenceReservations reservations = new SequenceReservations(
      (ConcurrentHashMap<String, String>) shared, null);
  /** Reservations in flight: each completes when the test says so, as a Hazelcast round trip would. */
  private final ArrayDeque<Runnable> inFlight = new ArrayDeque<>();
  private final List<SaPair> installed = new ArrayList<>();
  private final List<String> starved = new ArrayList<>();
  private final List<SaPair> discarded = new ArrayList<>();
  private final List<SaPair> released = new ArrayList<>();
  private boolean mapDown;
  private final List<Long> rekeys = new ArrayList<>();
  private long now = 1_000_000;
  private final SaInstaller installer = new SaInstaller(gw.sad, gw.factory, this::reserve, new SaInstaller.Events() {
    @Override
    public void installed(SaPair pair) {
      installed.add(pair);
    }

    @Override
    public void noSequenceNumbers(SaPair pair, String why) {
      starved.add(why);
    }

    @Override
    public void discard(SaPair pair) {
      discarded.add(pair);
    }

    @Override
    public void rekey(SaPair pair) {
      rekeys.add(pair.sa().inboundSpi());
    }

    @Override
    public void log(String line) {
      // not asserted
    }
  }, () -> now, () -> now);

  SaInstallerTest() {
    gw.sad.setSpd(spd());
  }

  private void reserve(SaPair pair, Consumer<SaInstaller.Reservation> done) {
    inFlight.add(() -> {
      if (mapDown) {
        done.accept(SaInstaller.Reservation.failed("Hazelcast unreachable"));
        return;
      }
      try {
        done.accept(SaInstaller.Reservation.of(reservations.reserve(pair.sa(), pair.manual())));
      } catch (IOException e) {
        done.accept(SaInstaller.Reservation.failed(e.getMessage()));
      }
    });
  }

  /** What {@link ChildSaFeed#retire} does with the reservation: release it unless a live copy of the SA holds it. */
  private void retire(SaPair p) {
    if (!installer.holds(p.sa())) {
      reservations.retire(p.sa(), now);
      released.add(p);
    }
  }

  static SecurityPolicyDatabase spd() {
    return SecurityPolicyDatabase.build(ManualKeyConfigs.withMaps(
        List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("172.31.250.2"),
            List.of("CBC"), null, null, "101", null, null, null)),
        List.of(new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
            new AddressMatch("10.91.11.0", "0.0.0.255"), null, new AddressMatch("10.91.12.0", "0.0.0.255"), null,
            null)))),
        "172.31.250.1"));
  }

  /** A negotiated AES-GCM Child SA as ike-service announces it (peerPort varies as a NAT moves it). */
  static ChildSa childSa(String ikeSaId, long inSpi, long outSpi, long created, int peerPort, boolean esn) {
    KeyWrap w = KeyWrap.fromEnvironment();
    byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
    k[0] = (byte) inSpi;
    return new ChildSa(ikeSaId, 7, "VPN", 10, inSpi, outSpi, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true,
        esn, 64, "172.31.250.1", 4500, "172.31.250.2", peerPort,
        List.of(TrafficSelector.anyPorts("10.91.11.0", "10.91.11.255")),
        List.of(TrafficSelector.anyPorts("10.91.12.0", "10.91.12.255")), new ChildSa.Lifetime(0, 0, 0, 0), 0, "copy",
        w.wrap(k), w.wrap(k), created);
  }

  private void completeAll() {
    while (!inFlight.isEmpty()) {
      inFlight.poll().run();
    }
  }

  private void drainRetired() {
    gw.retired.forEach(this::retire);
    gw.retired.clear();
  }

  /** One inner packet through the outbound pipeline; the sequence number it left with, or -1 when dropped. */
  static long send(TestGateway g) {
    g.port.inject(Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, 100));
    TestGateway.CapturingSender.Sent s = g.sent.packets.poll();
    return s == null ? -1 : EspHeader.readSeqLow(s.packet(), 0);
  }

  @Test
  void busThenMapInstallsOnceWithOneReservation() {
    ChildSa bus = childSa("01:02", 0xc1, 0x51, 1000, 4500, false);
    ChildSa map = childSa("01:02", 0xc1, 0x51, 1000, 4500, false); // the map's copy: equal, other key wrapping
    installer.install(bus, false);
    installer.install(map, false); // the map listener, before the bus copy's reservation came back
    assertEquals(1, inFlight.size(), "one reservation for one SA");
    completeAll();
    drainRetired();
    assertEquals(1, installed.size());
    assertEquals(List.of(), released);
    assertEquals(SequenceReservations.encode(bus.saId(), SequenceReservations.BLOCK), shared.get(bus.saId()));
    assertEquals(1, send(gw));
    assertEquals(2, send(gw));
  }

  @Test
  void mapThenBusInstallsOnceAndFollowsTheNewerPeerPort() {
    ChildSa map = childSa("01:02", 0xc2, 0x52, 1000, 4500, false);
    ChildSa bus = childSa("01:02", 0xc2, 0x52, 1000, 31000, false); // re-announced after a NAT move
    installer.install(map, false);
    completeAll();
    installer.install(bus, false);
    drainRetired();
    assertEquals(1, installed.size());
    assertEquals(0, inFlight.size());
    assertEquals(List.of(), gw.retired);
    assertEquals(31000, gw.sad.get(0xc2).outbound().peer().address().getPort());
    assertEquals(1, send(gw));
  }

  @Test
  void mapTwiceNeverReplacesTheLivePairNorReleasesItsReservation() {
    ChildSa sa = childSa("01:02", 0xc3, 0x53, 1000, 4500, false);
    installer.install(sa, false); // initial read of the map
    installer.install(sa, false); // the listener's entryAdded for the same write
    completeAll();
    SaPair live = gw.sad.get(0xc3);
    assertEquals(1, send(gw));
    installer.install(sa, false); // and once more after it runs
    drainRetired();
    assertSame(live, gw.sad.get(0xc3));
    assertEquals(List.of(), released);
    assertEquals(SequenceReservations.encode(sa.saId(), SequenceReservations.BLOCK), shared.get(sa.saId()));
    assertEquals(2, send(gw), "the counter went on, it was not reset by a second copy");
  }

  @Test
  void aChildSaMovedToTheRekeyedIkeSaIsTheSameSaAndKeepsItsCounter() {
    ChildSa before = childSa("01:02", 0xcc, 0x5c, 1000, 4500, false);
    installer.install(before, false);
    completeAll();
    assertEquals(1, send(gw));
    // the IKE SA was rekeyed: ike-service re-announces the Child SA under the new IKE SA id (same keys)
    installer.install(childSa("0a:0b", 0xcc, 0x5c, 1000, 4500, false), false);
    completeAll();
    drainRetired();
    assertEquals(1, installed.size());
    assertEquals(List.of(), released);
    assertEquals(2, send(gw));
  }

  @Test
  void reservationsAreKeyedBySaIdNotByThePeerChosenSpi() {
    // two peers (or one peer after a restart) chose the same outbound SPI for two different SAs
    ChildSa first = childSa("01:02", 0xc4, 0x77, 1000, 4500, false);
    ChildSa second = childSa("03:04", 0xc5, 0x77, 2000, 4500, false);
    installer.install(first, false);
    installer.install(second, false);
    completeAll();
    assertEquals(2, shared.size());
    installer.remove(0xc4);
    // the two are one tunnel (same entry, peer and selectors): the first is replaced, its inbound half decrypts a
    // few rounds longer (RFC 7296 §2.8), and only then are its keys and its reservation released
    for (int round = 0; round < SaDatabase.REPLACED_INBOUND_ROUNDS; round++) {
      gw.sad.ageReplaced();
    }
    drainRetired();
    assertEquals(1, released.size());
    assertNull(shared.get(first.saId()));
    assertEquals(SequenceReservations.encode(second.saId(), SequenceReservations.BLOCK), shared.get(second.saId()),
        "deleting one SA leaves the other's reservation, though their outbound SPIs are equal");
  }

  @Test
  void anSaDeletedWhileItsReservationIsInFlightNeverBecomesLive() {
    ChildSa sa = childSa("01:02", 0xc6, 0x56, 1000, 4500, false);
    installer.install(sa, false);
    assertNotNull(gw.sad.tables().inbound(0xc6), "its inbound half is accepted at once");
    installer.remove(0xc6);
    assertNull(gw.sad.tables().inbound(0xc6));
    completeAll();
    assertNull(gw.sad.get(0xc6));
    assertEquals(1, discarded.size());
    assertEquals(List.of(), installed);
    installer.install(sa, false); // a late map event for the deleted SA
    assertEquals(0, inFlight.size());
    assertNull(gw.sad.get(0xc6));
  }

  @Test
  void withoutAReservationTheSaSendsNothingCountsTheDropsAndAsksForARekeyThenResumes() {
    ChildSa sa = childSa("01:02", 0xc7, 0x57, 1000, 4500, false);
    mapDown = true;
    installer.install(sa, false);
    completeAll();
    SaPair p = gw.sad.get(0xc7);
    assertNotNull(p, "installed: its inbound half works");
    assertEquals(-1, send(gw));
    assertEquals(-1, send(gw));
    assertEquals(2, p.outbound().sequenceStarved);
    assertEquals(2, p.outbound().sendErrors());
    assertEquals(List.of("Hazelcast unreachable"), starved);
    assertEquals(List.of(0xc7L), rekeys, "a rekey is asked for");
    installer.topUp(p); // the supervisor's next tick, still failing: reported once only
    completeAll();
    assertEquals(1, starved.size());
    assertEquals(1, rekeys.size());
    mapDown = false;
    installer.topUp(p);
    completeAll();
    assertEquals(1, send(gw));
  }

  @Test
  void anExhaustedSequenceSpaceIsNotSentOn() {
    ChildSa sa = childSa("01:02", 0xc8, 0x58, 1000, 4500, false);
    shared.put(sa.saId(), SequenceReservations.encode(sa.saId(), SequenceReservations.MAX_32));
    installer.install(sa, false);
    completeAll();
    assertEquals(-1, send(gw));
    assertEquals(List.of("sequence space exhausted"), starved);
    assertEquals(List.of(0xc8L), rekeys);
  }

  @Test
  void whileTheReservationStoreIsDownRekeysOfOneCryptoMapEntryComeAtMostEvery30Seconds() {
    mapDown = true;
    installer.install(childSa("01:02", 0xd1, 0x61, 1000, 4500, false), false);
    completeAll();
    assertEquals(List.of(0xd1L), rekeys);
    // the rekey's new SA of the same entry cannot reserve either: it does not ask again at once
    installer.install(childSa("01:02", 0xd2, 0x62, 2000, 4500, false), false);
    completeAll();
    SaPair second = gw.sad.get(0xd2);
    now += SaInstaller.REKEY_BACKOFF_MILLIS - 1;
    installer.topUp(second);
    completeAll();
    assertEquals(List.of(0xd1L), rekeys);
    now += 1;
    installer.topUp(second); // the supervisor's tick, 30 s after the last request
    completeAll();
    assertEquals(List.of(0xd1L, 0xd2L), rekeys);
  }

  @Test
  void blocksOfTwoForwardersOnOneSaAreDisjoint() throws IOException {
    ChildSa sa = childSa("01:02", 0xc9, 0x59, 1000, 4500, false);
    SequenceReservations.Block a = reservations.reserve(sa, false);
    SequenceReservations.Block b = reservations.reserve(sa, false);
    assertEquals(1, a.first());
    assertEquals(a.last() + 1, b.first());
    assertFalse(b.exhausted());
  }

  @Test
  void nearTheEndOfThe32BitSpaceABlockStopsAt2To32Minus1UnlessEsnWasNegotiated() throws IOException {
    ChildSa plain = childSa("01:02", 0xca, 0x5a, 1000, 4500, false);
    ChildSa esn = childSa("01:02", 0xcb, 0x5b, 1000, 4500, true);
    shared.put(plain.saId(), SequenceReservations.encode(plain.saId(), SequenceReservations.MAX_32 - 10));
    shared.put(esn.saId(), SequenceReservations.encode(esn.saId(), SequenceReservations.MAX_32 - 10));
    assertEquals(new SequenceReservations.Block(SequenceReservations.MAX_32 - 9, SequenceReservations.MAX_32),
        reservations.reserve(plain, false));
    assertTrue(reservations.reserve(plain, false).exhausted());
    assertEquals(new SequenceReservations.Block(SequenceReservations.MAX_32 - 9,
        SequenceReservations.MAX_32 - 10 + SequenceReservations.BLOCK), reservations.reserve(esn, false));
  }
}
