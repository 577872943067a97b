package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.ChildSa;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * {@code ipsec.seq-reservations} is writable by anyone on the Hazelcast port (docs/security.md): each entry is a
 * MAC'd {@code SequenceReservation} bound to its SA id, and an entry that is altered, planted in clear, copied from
 * another SA or rolled back below a mark this forwarder saw is refused — counted, and the SA sends nothing (it
 * asks for a rekey) rather than reuse a sequence number, which for AES-GCM is a reused nonce (RFC 4106 §2). The
 * map is a {@link ConcurrentHashMap}: the {@code ConcurrentMap} contract of the Hazelcast IMap.
 */
class SequenceReservationTamperTest {

  private final ConcurrentHashMap<String, String> shared = new ConcurrentHashMap<>();
  private final SequenceReservations reservations = new SequenceReservations(shared, null, (k, s) -> { });
  private final ChildSa sa = SaInstallerTest.childSa("01:02", 0xa1, 0x51, 1000, 4500, false);
  private final ChildSa other = SaInstallerTest.childSa("03:04", 0xa2, 0x52, 2000, 4500, false);

  /** A forwarder's installer on this map, reserving as the verticle does (any failure is a failed reservation). */
  private final class Forwarder {
    final TestGateway gw = new TestGateway();
    final SequenceReservations mine;
    final List<String> starved = new ArrayList<>();
    final List<Long> rekeys = new ArrayList<>();
    final SaInstaller installer;

    Forwarder(SequenceReservations mine) {
      this.mine = mine;
      gw.sad.setSpd(SaInstallerTest.spd());
      installer = new SaInstaller(gw.sad, gw.factory, (pair, done) -> {
        try {
          done.accept(SaInstaller.Reservation.of(mine.reserve(pair.sa(), pair.manual())));
        } catch (IOException | RuntimeException e) {
          done.accept(SaInstaller.Reservation.failed(e.getMessage()));
        }
      }, new SaInstaller.Events() {
        @Override
        public void installed(SaPair pair) {}

        @Override
        public void noSequenceNumbers(SaPair pair, String why) {
          starved.add(why);
        }

        @Override
        public void rekey(SaPair pair) {
          rekeys.add(pair.sa().inboundSpi());
        }

        @Override
        public void discard(SaPair pair) {}

        @Override
        public void log(String line) {}
      }, () -> 0L, () -> 1000L);
    }
  }

  private static SequenceReservations.RefusedReservation refused(SequenceReservations r, ChildSa sa) {
    return assertThrows(SequenceReservations.RefusedReservation.class, () -> r.reserve(sa, false));
  }

  @Test
  void aLoweredMarkWithItsOldMacIsRefusedAndTheSaSendsNothing() throws IOException {
    shared.put(sa.saId(), SequenceReservations.encode(sa.saId(), 3 * SequenceReservations.BLOCK));
    JsonObject lowered = new JsonObject(shared.get(sa.saId())).put("highWater", 0);
    shared.put(sa.saId(), lowered.encode());
    double before = SequenceReservations.refused("unauthenticated");

    Forwarder f = new Forwarder(reservations);
    f.installer.install(sa, false);

    assertEquals(-1, SaInstallerTest.send(f.gw), "no packet on an SA whose mark cannot be proven");
    assertEquals(1, f.starved.size());
    assertTrue(f.starved.get(0).contains("not authentic"), f.starved.get(0));
    assertFalse(f.starved.get(0).contains("highWater"), "the entry is not echoed");
    assertEquals(List.of(0xa1L), f.rekeys, "a new SA is the way on");
    assertEquals(before + 1, SequenceReservations.refused("unauthenticated"));
    assertEquals(lowered.encode(), shared.get(sa.saId()), "nothing is written over a refused entry");
  }

  @Test
  void aPlainNumberOrAnEntryUnderAnotherKekIsRefused() {
    shared.put(sa.saId(), "0");
    assertEquals("unauthenticated", refused(reservations, sa).reason());
    shared.put(sa.saId(), new JsonObject().put("saId", sa.saId()).put("highWater", 0).encode());
    assertEquals("unauthenticated", refused(reservations, sa).reason(), "a record without $mac");
    JsonObject otherKek = new JsonObject(SequenceReservations.encode(sa.saId(), 0)).put("$mac",
        java.util.Base64.getEncoder().encodeToString(new byte[32]));
    shared.put(sa.saId(), otherKek.encode());
    assertEquals("unauthenticated", refused(reservations, sa).reason(), "a $mac of another key");
  }

  @Test
  void aGenuineEntryOfAnotherSaSwappedInIsRefused() throws IOException {
    assertEquals(1, reservations.reserve(sa, false).first());
    assertEquals(1, reservations.reserve(other, false).first());
    reservations.reserve(sa, false); // sa is at 2 blocks, other at 1
    double before = SequenceReservations.refused("wrong-key");
    shared.put(sa.saId(), shared.get(other.saId())); // other's lower mark, validly MAC'd, under sa's key
    SequenceReservations fresh = new SequenceReservations(shared, null, (k, s) -> { });
    assertEquals("wrong-key", refused(fresh, sa).reason(), "even a forwarder that never saw sa's mark");
    assertEquals(before + 1, SequenceReservations.refused("wrong-key"));
  }

  @Test
  void anOlderGenuineEntryPutBackIsRefusedByAForwarderThatSawTheNewer() throws IOException {
    reservations.reserve(sa, false);
    String old = shared.get(sa.saId()); // an eavesdropper keeps the first block's record
    SequenceReservations.Block second = reservations.reserve(sa, false);
    assertEquals(SequenceReservations.BLOCK + 1, second.first());
    shared.put(sa.saId(), old);
    double before = SequenceReservations.refused("rollback");
    SequenceReservations.RefusedReservation e = refused(reservations, sa);
    assertEquals("rollback", e.reason());
    assertEquals(before + 1, SequenceReservations.refused("rollback"));

    shared.remove(sa.saId()); // or the entry deleted: as if the SA were new
    assertEquals("rollback", refused(reservations, sa).reason());
  }

  @Test
  void aTombstoneLoweredAfterTheSaWasDeletedIsRefusedByTheForwarderThatDeletedIt() throws IOException {
    Forwarder f = new Forwarder(reservations);
    f.installer.install(sa, false);
    assertEquals(1, SaInstallerTest.send(f.gw));
    String first = shared.get(sa.saId());
    reservations.reserve(sa, false); // a top-up: the mark is now 2 blocks
    f.installer.remove(sa.inboundSpi());
    reservations.retire(sa, 1000); // the tombstone stays (TTL), at 2 blocks
    shared.put(sa.saId(), first);
    assertEquals("rollback", refused(reservations, sa).reason());
  }

  @Test
  void anOlderGenuineEntryMeetsAForwarderThatNeverSawTheNewerUndetected() throws IOException {
    // the documented limit (docs/security.md): freshness needs state outside Hazelcast, which a new forwarder lacks
    reservations.reserve(sa, false);
    String old = shared.get(sa.saId());
    reservations.reserve(sa, false);
    shared.put(sa.saId(), old);
    SequenceReservations fresh = new SequenceReservations(shared, null, (k, s) -> { });
    assertEquals(SequenceReservations.BLOCK + 1, fresh.reserve(sa, false).first(),
        "the second block again: a replay of a genuine record is not detected by a forwarder without history");
  }
}
