package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SharedMaps;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Every delivery of a Child SA to the forwarder — the bus, the {@code ipsec.child-sa} map (entries and removals
 * arriving on Hazelcast's threads), the manual SAs of a configuration — through {@link ChildSaFeed} into the
 * installer; what leaves is cleaned up (keys wiped after the retire delay, a negotiated SA's reservation left as
 * a tombstone, its counters row removed). The host runs work on the test thread; the control-context hop and
 * the timers are queues the test drains, so every ordering is explicit.
 */
class ChildSaFeedTest {

  private final TestGateway gw = new TestGateway();
  private final ConcurrentHashMap<String, String> reservationMap = new ConcurrentHashMap<>();
  private final ArrayDeque<Runnable> control = new ArrayDeque<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Long> countersGone = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private final List<SaPair> installed = new ArrayList<>();
  private long now = 1_000_000;
  /** Without a cluster: a tombstone is no TTL but the mark's removal, so a retire shows as the key gone. */
  private final SequenceReservations reservations = new SequenceReservations(reservationMap, null);
  /** The SAD's retire callback goes to the feed, as in the verticle. */
  private final SaDatabase sad = new SaDatabase(pair -> feed().retire(pair));
  private ChildSaFeed feed;

  private ChildSaFeed feed() {
    return feed;
  }

  ChildSaFeedTest() {
    sad.setSpd(SaInstallerTest.spd());
    feed = new ChildSaFeed(sad, gw.factory, reservations, gw.wrap, new IpsecDebug(), new SaInstaller.Events() {
      @Override
      public void installed(SaPair pair) {
        installed.add(pair);
      }

      @Override
      public void noSequenceNumbers(SaPair pair, String why) {
        log.add("no numbers: " + why);
      }

      @Override
      public void rekey(SaPair pair) {
        log.add("rekey");
      }

      @Override
      public void discard(SaPair pair) {
        feed.discard(pair);
      }

      @Override
      public void log(String line) {
        log.add(line);
      }
    }, new ChildSaFeed.Host() {
      @Override
      public void onControl(Runnable task) {
        control.add(task);
      }

      @Override
      public <T> void offControl(Callable<T> work, BiConsumer<T, Throwable> done) {
        try {
          done.accept(work.call(), null);
        } catch (Exception e) {
          done.accept(null, e);
        }
      }

      @Override
      public void after(long delayMillis, Runnable task) {
        assertEquals(ChildSaFeed.RETIRE_DELAY_MILLIS, delayMillis);
        timers.add(task);
      }

      @Override
      public void countersGone(long inboundSpi) {
        countersGone.add(inboundSpi);
      }
    }, () -> now, () -> now);
  }

  private void drainControl() {
    while (!control.isEmpty()) {
      control.poll().run();
    }
  }

  private static String json(ChildSa sa) {
    return RecordJson.toJson(sa).encode();
  }

  @Test
  void busThenMapEntryThenInitialReadInstallOnePairWithOneReservation() {
    ChildSa sa = SaInstallerTest.childSa("ike-1", 0x1001, 0x2001, now, 4500, false);
    feed.installed(sa);
    feed.mapEntry(json(sa)); // the listener's event, from a Hazelcast thread
    feed.mapEntry(json(sa)); // the initial read of the map met it too
    assertEquals(2, control.size(), "map deliveries hop onto the control context");
    drainControl();

    assertEquals(1, installed.size());
    assertEquals(SequenceReservations.BLOCK, reservations.verified(sa.saId(), reservationMap.get(sa.saId())),
        "one block reserved, by SA id");
    assertTrue(feed.holds(sa));
  }

  @Test
  void aMapRemovalDeletesTheSaWipesItsKeysLaterAndRetiresItsReservation() {
    ChildSa sa = SaInstallerTest.childSa("ike-1", 0x1002, 0x2002, now, 4500, false);
    feed.installed(sa);
    SaPair pair = installed.get(0);

    feed.mapEntryRemoved(SharedMaps.spiKey(sa.inboundSpi()));
    drainControl();

    assertEquals(List.of(0x1002L), countersGone);
    assertNull(sad.get(sa.inboundSpi()));
    assertEquals(1, timers.size(), "keys are wiped after the retire delay, not at once");
    assertFalse(pair.keysDestroyed());
    assertNull(reservationMap.get(sa.saId()), "the reservation was retired (without a cluster: removed)");
    timers.forEach(Runnable::run);
    assertTrue(pair.keysDestroyed());

    feed.mapEntry(json(sa)); // a late event of the same SA
    drainControl();
    assertEquals(1, installed.size(), "an SA delivered again after its deletion is not installed");
  }

  @Test
  void anUnreadableEntryOrKeyIsCountedAndNothingIsThrown() {
    feed.mapEntry("{not json");
    feed.mapEntry("{\"ikeSaId\":\"x\"}"); // JSON, but no ChildSa (and no MAC)
    feed.mapEntryRemoved("not-an-spi");
    drainControl();

    assertEquals(3, feed.unreadable());
    assertTrue(installed.isEmpty());
    assertTrue(countersGone.isEmpty());
    assertTrue(log.stream().anyMatch(l -> l.contains("unreadable entry in " + SharedMaps.CHILD_SAS)), log.toString());
  }

  @Test
  void manualSasFollowTheConfiguration() {
    GatewayConfig config = ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0");
    sad.setSpd(io.ipsecmesh.esp.spd.SecurityPolicyDatabase.build(config));
    assertEquals(1, feed.configure(config, p -> log.add(p)));
    assertEquals(1, installed.size());
    SaPair first = installed.get(0);

    assertEquals(1, feed.configure(config, p -> log.add(p)), "the same configuration again");
    assertEquals(1, installed.size(), "an unchanged manual SA keeps its pair, counters and numbers");

    assertEquals(0, feed.configure(GatewayConfig.empty(), p -> log.add(p)));
    assertEquals(List.of(first.sa().inboundSpi()), countersGone);
    assertNull(sad.get(first.sa().inboundSpi()));
    assertEquals(1, timers.size(), "its keys are wiped after the retire delay");
  }

  @Test
  void aRetiredCopyOfALiveSaLeavesItsReservationAlone() {
    ChildSa sa = SaInstallerTest.childSa("ike-1", 0x1003, 0x2003, now, 4500, false);
    feed.installed(sa);
    String before = reservationMap.get(sa.saId());
    assertNotNull(before);
    SaPair copy = gw.factory.build(sa, false, sad.spd());

    feed.retire(copy); // e.g. a pair replaced by the same SA re-announced

    assertEquals(before, reservationMap.get(sa.saId()), "the live SA's reservation is untouched");
    assertEquals(1, timers.size());
  }

  @Test
  void theMapEntryOfTheRecordTheBusDeliveredNeedsNoSecondHop() {
    ChildSa sa = SaInstallerTest.childSa("ike-1", 0x1011, 0x2011, now, 4500, false);
    // as ike-service writes it in the same process: the text that comes back to the listener reads as this object
    String written = io.ipsecmesh.proto.bus.RecordText.write(sa);
    feed.installed(sa);
    feed.mapEntry(written);
    assertTrue(control.isEmpty(), "the bus already delivered this record");
    // the same SA from elsewhere (another process's text, the initial read of another member's entry) still goes
    feed.mapEntry(json(sa));
    assertEquals(1, control.size());
    drainControl();
    assertEquals(1, installed.size());
    assertEquals(1, reservationMap.size(), "one reservation");
  }
}
