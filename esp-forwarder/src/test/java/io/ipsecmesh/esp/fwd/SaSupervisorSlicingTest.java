package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The once-a-second round over every SA pair is cut into slices of at most a bounded number of pairs, spread over the
 * second, so that no single turn of the control context walks all the SAs (at 100 000 SAs that turn held an event loop
 * ike-service shares in {@code ipsec-mesh run}). In virtual time: which pairs each slice visits and when.
 */
class SaSupervisorSlicingTest {

  private static final int SLICE = 10;

  private final VirtualScheduler clock = new VirtualScheduler();
  private final TestGateway gw = new TestGateway();
  /** Every counters batch a slice published, with the virtual time it was published at. */
  private final List<Batch> batches = new ArrayList<>();
  private final List<FwdMessages.ActivitySummary> summaries = new ArrayList<>();
  private final SaSupervisor supervisor = new SaSupervisor("fwd-1", gw.sad, gw.plane.acquires(),
      gw.plane.invalidSpis(), clock, new SaSupervisor.Sink() {
        public void acquire(FwdMessages.Acquire a) {}

        public void invalidSpi(FwdMessages.InvalidSpi i) {}

        public void expired(FwdMessages.SaExpired e) {}

        public void idle(FwdMessages.SaIdle i) {}

        public void activity(FwdMessages.ActivitySummary s) {
          summaries.add(s);
        }

        public void counters(List<SaCounters> c) {
          batches.add(new Batch(clock.nowMillis(), c.stream().map(SaCounters::inboundSpi).toList()));
        }

        public void log(String line) {}

        public void reserveSequences(SaPair pair) {}
      }, peer -> "172.31.250.1", SLICE);

  private record Batch(long atMillis, List<Long> inboundSpis) {}

  private List<SaPair> install(int n) {
    List<SaPair> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SaPair p = gw.factory.build(SaSupervisorTest.ikeSa(0x5000 + i, 0x6000 + i, new ChildSa.Lifetime(0, 0, 0, 0), 0),
          false, gw.sad.spd());
      supervisor.started(p);
      pairs.add(gw.install(p));
    }
    return pairs;
  }

  private List<Batch> publishedBetween(long fromMillis, long toMillis) {
    return batches.stream().filter(b -> b.atMillis() >= fromMillis && b.atMillis() <= toMillis).toList();
  }

  @Test
  void aRoundVisitsEveryPairOnceInSlicesOfAtMostTheBoundSpreadOverTheSecond() {
    install(25);
    supervisor.start();
    clock.advance(1_000);
    assertEquals(1, batches.size(), "the round's first slice only, at its start");
    assertEquals(SLICE, batches.getFirst().inboundSpis().size());
    clock.advance(999);
    // 25 pairs in slices of 10: three slices, 1000 / 3 = 333 ms apart, all before the next round
    assertEquals(List.of(1_000L, 1_333L, 1_666L), batches.stream().map(Batch::atMillis).toList());
    assertEquals(List.of(10, 10, 5), batches.stream().map(b -> b.inboundSpis().size()).toList());
    Set<Long> seen = new HashSet<>();
    batches.forEach(b -> b.inboundSpis().forEach(spi -> assertTrue(seen.add(spi), "each pair once a round")));
    assertEquals(25, seen.size(), "every new pair's first row, within the round");
    assertEquals(3, supervisor.slices());
    assertEquals(SLICE, supervisor.largestSlice());

    clock.advance(10_000);
    assertEquals(3 + 30, supervisor.slices(), "three slices every second");
    assertEquals(SLICE, supervisor.largestSlice(), "never more than the bound in one turn");
    assertEquals(3, batches.size(), "nothing changed: no row written and no empty batch");
  }

  @Test
  void aPairIsSeenAtTheSamePointOfEveryRoundAndOnlyItsOwnSliceWritesItsRow() {
    install(25);
    supervisor.start();
    clock.advance(1_999);
    // a pair the third slice visited: its counter moves, and its row comes with the third slice of the next round
    long spi = batches.get(2).inboundSpis().getFirst();
    SaPair p = gw.sad.get(spi);
    p.in.decaps = 3;
    clock.advance(1_000);
    assertEquals(List.of(new Batch(2_666, List.of(spi))), publishedBetween(2_000, 2_999));
    assertEquals(1, summaries.stream().filter(s -> !s.activity().isEmpty()).count());
    FwdMessages.ActivitySummary s = summaries.stream().filter(x -> !x.activity().isEmpty()).findFirst().orElseThrow();
    assertEquals(spi, s.activity().getFirst().inboundSpi(), "the slice that saw its packets reports them");
  }

  @Test
  void aPairDeletedAfterTheRoundsSnapshotIsNotWrittenBack() {
    install(25);
    supervisor.start();
    clock.advance(1_999);
    long spi = batches.get(2).inboundSpis().getFirst(); // visited by the third slice of each round
    gw.sad.get(spi).in.decaps = 1; // its row would be written this round
    clock.advance(1); // t = 2000: the next round's snapshot still holds it
    gw.sad.remove(spi); // deleted (its counters row with it) before its slice
    clock.advance(999);
    assertTrue(publishedBetween(2_000, 2_999).stream().noneMatch(b -> b.inboundSpis().contains(spi)),
        "a deleted SA's counters row must not come back");
  }

  @Test
  void aRoundOfOneSliceIsTheOnceASecondTickAsBefore() {
    install(3);
    supervisor.start();
    clock.advance(3_000);
    assertEquals(List.of(1_000L, 2_000L, 3_000L), batches.stream().map(Batch::atMillis).toList(),
        "one batch a second (the first with the three new rows, then empty ones)");
    assertEquals(3, summaries.size(), "one activity summary a second");
  }

  @Test
  void aPairInstalledDuringARoundGetsItsFirstRowAtTheNextOne() {
    install(25);
    supervisor.start();
    clock.advance(1_500); // the second slice of the first round has run
    SaPair late = gw.factory.build(SaSupervisorTest.ikeSa(0x7000, 0x8000, new ChildSa.Lifetime(0, 0, 0, 0), 0),
        false, gw.sad.spd());
    supervisor.started(late);
    gw.install(late);
    clock.advance(499);
    assertTrue(batches.stream().noneMatch(b -> b.inboundSpis().contains(0x7000L)), "not in the round under way");
    clock.advance(1_000);
    assertEquals(1, batches.stream().filter(b -> b.inboundSpis().contains(0x7000L)).count(),
        "the next round has 26 pairs and visits it");
    assertEquals(3 + 3, supervisor.slices());
  }

  @Test
  void theRosterHoldsExactlyTheInstalledPairsAfterDeletionsAndReplacements() {
    List<SaPair> pairs = install(40);
    for (int i = 0; i < 40; i += 3) {
      gw.sad.remove(pairs.get(i).sa().inboundSpi());
    }
    // a rekeyed delivery of the same inbound SPI replaces the pair in place
    SaPair successor = gw.factory.build(SaSupervisorTest.ikeSa(0x5001, 0x6fff, new ChildSa.Lifetime(0, 0, 0, 0), 0),
        false, gw.sad.spd());
    gw.install(successor);
    List<SaPair> roster = new ArrayList<>();
    for (int from = 0; ; from += 7) {
      List<SaPair> slice = gw.sad.pairsAt(from, 7);
      if (slice.isEmpty()) {
        break;
      }
      roster.addAll(slice);
    }
    assertEquals(new HashSet<>(gw.sad.pairs()), new HashSet<>(roster));
    assertEquals(gw.sad.size(), roster.size(), "each installed pair once");
    assertTrue(roster.contains(successor));
  }
}
