package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.ChildSa;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * An old Child SA record put back into the shared map after its deletion (anyone on the Hazelcast port can) never
 * sends a sequence number again that it sent before: its deletion leaves its high-water mark as a tombstone that
 * lives as long as its hard lifetime plus a margin, and after that lifetime the installer refuses it. A forwarder
 * that no longer remembers the deletion (restarted, or 4096 deletions later) is played by a second installer on
 * the same reservation map. Virtual time; the map's TTL is played by {@link #expire()} here, Hazelcast's own in
 * {@code ClusteredChildSaTest}.
 */
class SaRollbackTest {

  private static final long T0 = 1_800_000_000_000L;
  private static final ChildSa.Lifetime HOUR = new ChildSa.Lifetime(3240, 3600, 0, 0);

  private long now = T0;
  private final Map<String, String> shared = new ConcurrentHashMap<>();
  private final Map<String, Long> expiresAt = new HashMap<>();
  private final SequenceReservations reservations = new SequenceReservations(
      (ConcurrentHashMap<String, String>) shared, null, (key, seconds) -> expiresAt.put(key, now + seconds * 1000));
  private final List<String> logged = new ArrayList<>();

  /** One forwarder: its own SAD and installer, reservations in flight until the test completes them. */
  private final class Forwarder {
    final TestGateway gw = new TestGateway();
    final ArrayDeque<Runnable> inFlight = new ArrayDeque<>();
    final SaInstaller installer = new SaInstaller(gw.sad, gw.factory, (pair, done) -> inFlight.add(() -> {
      try {
        done.accept(SaInstaller.Reservation.of(reservations.reserve(pair.sa(), pair.manual())));
      } catch (IOException e) {
        done.accept(SaInstaller.Reservation.failed(e.getMessage()));
      }
    }), new SaInstaller.Events() {
      @Override
      public void installed(SaPair pair) {}

      @Override
      public void noSequenceNumbers(SaPair pair, String why) {}

      @Override
      public void rekey(SaPair pair) {}

      @Override
      public void discard(SaPair pair) {}

      @Override
      public void log(String line) {
        logged.add(line);
      }
    }, () -> now, () -> now);

    Forwarder() {
      gw.sad.setSpd(SaInstallerTest.spd());
    }

    void install(ChildSa sa) {
      installer.install(sa, false);
      while (!inFlight.isEmpty()) {
        inFlight.poll().run();
      }
    }

    /** Deletes the SA as the verticle does: out of the SAD, then its reservation retired. */
    void delete(ChildSa sa) {
      installer.remove(sa.inboundSpi());
      for (SaPair p : gw.retired) {
        if (!installer.holds(p.sa())) {
          reservations.retire(p.sa(), now);
        }
      }
      gw.retired.clear();
    }

    long send() {
      return SaInstallerTest.send(gw);
    }
  }

  /** Hazelcast's TTL at the virtual {@link #now}. */
  private void expire() {
    expiresAt.entrySet().removeIf(e -> {
      if (e.getValue() <= now) {
        shared.remove(e.getKey());
        return true;
      }
      return false;
    });
  }

  private static ChildSa sa(long created, ChildSa.Lifetime lifetime) {
    ChildSa c = SaInstallerTest.childSa("01:02", 0xd1, 0x61, created, 4500, false);
    return new ChildSa(c.ikeSaId(), c.connectionId(), c.cryptoMap(), c.mapSequence(), c.inboundSpi(),
        c.outboundSpi(), c.transform(), c.mode(), c.udpEncapsulation(), c.esn(), c.replayWindow(), c.localAddress(),
        c.localPort(), c.peerAddress(), c.peerPort(), c.localSelectors(), c.remoteSelectors(), lifetime,
        c.idleTimeSeconds(), c.dfBit(), c.wrappedInboundKeys(), c.wrappedOutboundKeys(), c.createdEpochMillis(),
        c.localBehindNat());
  }

  @Test
  void aDeletedSaPutBackResumesAboveEveryNumberItSent() {
    ChildSa sa = sa(T0, HOUR);
    Forwarder first = new Forwarder();
    first.install(sa);
    assertEquals(1, first.send());
    assertEquals(2, first.send());
    now += 600_000; // ten minutes later it is deleted
    first.delete(sa);
    assertEquals(SequenceReservations.encode(sa.saId(), SequenceReservations.BLOCK), shared.get(sa.saId()), "the mark stays");
    assertEquals(now + (3000 + SequenceReservations.TOMBSTONE_MARGIN_SECONDS) * 1000, expiresAt.get(sa.saId()),
        "until the rest of its hard lifetime and the margin are over");

    first.install(sa); // the same forwarder remembers the deletion
    assertNull(first.gw.sad.get(0xd1));

    now += 60_000;
    expire();
    Forwarder replacement = new Forwarder(); // one that never saw the deletion
    replacement.install(sa);
    assertNotNull(replacement.gw.sad.get(0xd1));
    assertEquals(SequenceReservations.BLOCK + 1, replacement.send(), "above the tombstone, never 1 again");
  }

  @Test
  void afterItsHardLifetimeAPutBackSaIsRefusedAndCounted() {
    ChildSa sa = sa(T0, HOUR);
    Forwarder first = new Forwarder();
    first.install(sa);
    assertEquals(1, first.send());
    now = T0 + 3_600_000; // deleted by its hard lifetime
    first.delete(sa);
    assertEquals(now + SequenceReservations.TOMBSTONE_MARGIN_SECONDS * 1000, expiresAt.get(sa.saId()));

    now += SequenceReservations.TOMBSTONE_MARGIN_SECONDS * 1000;
    expire();
    assertFalse(shared.containsKey(sa.saId()), "the tombstone is gone");
    double refused = SaInstaller.refused("expired");
    Forwarder replacement = new Forwarder();
    replacement.install(sa);
    assertNull(replacement.gw.sad.get(0xd1));
    assertNull(replacement.gw.sad.tables().inbound(0xd1), "not even its inbound half");
    assertFalse(shared.containsKey(sa.saId()), "nothing reserved");
    assertEquals(refused + 1, SaInstaller.refused("expired"));
    assertTrue(logged.getLast().contains("past its hard lifetime"), logged.getLast());
  }

  @Test
  void theHardLifetimeEndsExactlyAtCreationPlusHardSeconds() {
    assertFalse(SaInstaller.expired(sa(T0, HOUR), T0 + 3_600_000));
    assertTrue(SaInstaller.expired(sa(T0, HOUR), T0 + 3_600_001));
    assertFalse(SaInstaller.expired(sa(T0, new ChildSa.Lifetime(0, 0, 0, 0)), Long.MAX_VALUE),
        "no time lifetime: never expired by time");
    Forwarder f = new Forwarder();
    now = T0 + 3_600_000;
    f.install(sa(T0, HOUR));
    assertEquals(1, f.send(), "still within its lifetime: installed");
  }

  @Test
  void aLiveSaReAnnouncedAfterItsHardLifetimeKeepsFollowingItsPeer() {
    // a replacement forwarder counts the lifetime from its own installation: the SA may outlive created + hard
    ChildSa sa = sa(T0, HOUR);
    Forwarder f = new Forwarder();
    f.install(sa);
    assertEquals(1, f.send());
    now = T0 + 3_600_001;
    ChildSa moved = SaInstallerTest.childSa("01:02", 0xd1, 0x61, T0, 31000, false);
    f.install(new ChildSa(moved.ikeSaId(), moved.connectionId(), moved.cryptoMap(), moved.mapSequence(),
        moved.inboundSpi(), moved.outboundSpi(), moved.transform(), moved.mode(), moved.udpEncapsulation(),
        moved.esn(), moved.replayWindow(), moved.localAddress(), moved.localPort(), moved.peerAddress(),
        moved.peerPort(), moved.localSelectors(), moved.remoteSelectors(), HOUR, moved.idleTimeSeconds(),
        moved.dfBit(), moved.wrappedInboundKeys(), moved.wrappedOutboundKeys(), moved.createdEpochMillis(),
        moved.localBehindNat()));
    assertEquals(31000, f.gw.sad.get(0xd1).outbound().peer().address().getPort());
    assertEquals(2, f.send());
  }

  @Test
  void aTombstonesTtlCoversTheRemainingHardLifetimePlusTheMargin() {
    long margin = SequenceReservations.TOMBSTONE_MARGIN_SECONDS;
    assertEquals(3600 + margin, SequenceReservations.tombstoneSeconds(sa(T0, HOUR), T0));
    assertEquals(1 + margin, SequenceReservations.tombstoneSeconds(sa(T0, HOUR), T0 + 3_599_500), "rounded up");
    assertEquals(margin, SequenceReservations.tombstoneSeconds(sa(T0, HOUR), T0 + 9_000_000));
    assertEquals(0, SequenceReservations.tombstoneSeconds(sa(T0, new ChildSa.Lifetime(0, 0, 0, 0)), T0),
        "no time lifetime: kept without a TTL");
  }

  @Test
  void withoutAClusterTheMarkGoesAtOnce() {
    Map<String, String> local = new ConcurrentHashMap<>();
    ChildSa sa = sa(T0, HOUR);
    local.put(sa.saId(), SequenceReservations.encode(sa.saId(), 5));
    new SequenceReservations((ConcurrentHashMap<String, String>) local, null).retire(sa, T0);
    assertTrue(local.isEmpty());
  }
}
