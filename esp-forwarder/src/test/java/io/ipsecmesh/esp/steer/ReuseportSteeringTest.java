package io.ipsecmesh.esp.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Index learning and program compilation on a virtual clock, against a model of one kernel reuseport group: sockets
 * in index order, the attached program run by {@link Cbpf}, the 4-tuple hash for what it leaves (all probes share
 * one 4-tuple, so one socket), and a closed socket's hole filled by the group's last socket, as Linux does.
 */
class ReuseportSteeringTest {

  private static final String GROUP = "0.0.0.0:4500";

  /** The kernel's side: one SO_REUSEPORT group. */
  private static final class Kernel {
    final List<String> sockets = new ArrayList<>();
    final Map<String, ReuseportIndexProbe> probeOf = new LinkedHashMap<>();
    List<ReuseportProgram.Insn> program;
    int attaches;
    /** Which socket the 4-tuple hash picks for one flow. */
    int hashSeed = 2;

    int select(byte[] payload) {
      int s = program == null ? -1 : Cbpf.select(program, payload, sockets.size());
      return s >= 0 ? s : hashSeed % sockets.size();
    }

    String deliver(byte[] payload) {
      String to = sockets.get(select(payload));
      if (SteeringProbe.isProbe(payload, 0, payload.length)) {
        probeOf.get(to).received(payload, 0, payload.length);
      }
      return to;
    }

    void close(String socket) {
      int hole = sockets.indexOf(socket);
      String last = sockets.removeLast();
      if (hole < sockets.size()) {
        sockets.set(hole, last);
      }
      probeOf.remove(socket);
    }
  }

  private final VirtualScheduler clock = new VirtualScheduler();
  private final Kernel kernel = new Kernel();
  private final Map<String, ReuseportSteering> instances = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> told = new LinkedHashMap<>();
  private final Random nonces = new Random(4500);

  private ReuseportSteering open(String id) {
    ReuseportSteering.Group g = new ReuseportSteering.Group() {
      @Override
      public String name() {
        return GROUP;
      }

      @Override
      public void sendProbe(byte[] probe) {
        kernel.deliver(probe);
      }

      @Override
      public String attach(List<ReuseportProgram.Insn> program) {
        if (!kernel.sockets.contains(id)) {
          return "closed";
        }
        kernel.program = program;
        kernel.attaches++;
        return null;
      }
    };
    ReuseportSteering s = new ReuseportSteering(id, clock, List.of(g), nonces::nextLong, new ReuseportSteering.Events() {
      @Override
      public void index(String group, int index) {
        told.computeIfAbsent(id, x -> new LinkedHashMap<>()).put(group, index);
        instances.forEach((other, o) -> o.heard(id, group, index)); // fwd.steering is published to all
      }

      @Override
      public void attached(String group, int[] indexOfBucket, int instructions) {}

      @Override
      public void attachFailed(String group, String why) {}
    });
    kernel.sockets.add(id);
    kernel.probeOf.put(id, s.probe(GROUP));
    instances.put(id, s);
    return s;
  }

  /** The live instances as {@code fwd.members} tells them: each live instance hears it. */
  private void members(String... live) {
    Set<String> m = Set.of(live);
    instances.forEach((id, s) -> {
      if (m.contains(id)) {
        s.members(m);
      }
    });
  }

  /** Every SPI bucket's ESP reaches the socket of the bucket's owner. */
  private void assertSteered(String... live) {
    String[] owners = SpiBuckets.owners(Set.of(live));
    for (int b = 0; b < SpiBuckets.COUNT; b++) {
      byte[] esp = new byte[48];
      esp[0] = 0x5A;
      esp[3] = (byte) b;
      assertEquals(owners[b], kernel.deliver(esp), "bucket " + b + " over " + kernel.sockets);
    }
  }

  @Test
  void instancesLearnTheirIndicesAndTheLowestAttachesTheOwnersTable() {
    // sockets opened in an order unlike the ids: index 0 is fwd-c
    open("fwd-c").start();
    open("fwd-a").start();
    open("fwd-b").start();
    members("fwd-a", "fwd-b", "fwd-c");
    clock.advance(ReuseportSteering.PROBE_EVERY_MILLIS + ReuseportSteering.PROBE_WAIT_MILLIS);
    assertEquals(Map.of(GROUP, 1), told.get("fwd-a"));
    assertEquals(Map.of(GROUP, 2), told.get("fwd-b"));
    assertEquals(Map.of(GROUP, 0), told.get("fwd-c"));
    assertTrue(instances.get("fwd-a").leads());
    assertNull(instances.get("fwd-b").attachedTable(GROUP), "only the lowest instance attaches");
    assertSteered("fwd-a", "fwd-b", "fwd-c");
  }

  @Test
  void aClosedSocketMovesAnotherAndReprobingOnTheMemberChangeFixesTheTable() {
    open("fwd-c").start();
    open("fwd-a").start();
    open("fwd-b").start();
    members("fwd-a", "fwd-b", "fwd-c");
    clock.advance(ReuseportSteering.PROBE_EVERY_MILLIS + ReuseportSteering.PROBE_WAIT_MILLIS);
    // fwd-c dies: the kernel moves fwd-b (index 2) into its hole, index 0
    kernel.close("fwd-c");
    instances.get("fwd-c").stop();
    members("fwd-a", "fwd-b");
    clock.advance(ReuseportSteering.PROBE_WAIT_MILLIS);
    assertEquals(0, told.get("fwd-b").get(GROUP));
    assertEquals(1, told.get("fwd-a").get(GROUP));
    assertSteered("fwd-a", "fwd-b");
  }

  @Test
  void theLeaderDyingHandsTheProgramToTheNextLowest() {
    open("fwd-a").start();
    open("fwd-b").start();
    members("fwd-a", "fwd-b");
    clock.advance(ReuseportSteering.PROBE_EVERY_MILLIS + ReuseportSteering.PROBE_WAIT_MILLIS);
    int before = kernel.attaches;
    kernel.close("fwd-a");
    instances.get("fwd-a").stop();
    members("fwd-b");
    clock.advance(ReuseportSteering.PROBE_WAIT_MILLIS);
    assertTrue(instances.get("fwd-b").leads());
    assertTrue(kernel.attaches > before);
    assertEquals(0, told.get("fwd-b").get(GROUP));
    assertSteered("fwd-b");
  }

  @Test
  void theSecondlyProbeNoticesASocketMovedWithoutAMemberChange() {
    open("stray").start(); // a socket of the group that is no live instance (a process going away)
    open("fwd-a").start();
    open("fwd-b").start();
    instances.get("stray").stop();
    members("fwd-a", "fwd-b");
    clock.advance(ReuseportSteering.PROBE_EVERY_MILLIS + ReuseportSteering.PROBE_WAIT_MILLIS);
    assertEquals(2, told.get("fwd-b").get(GROUP));
    kernel.close("stray"); // fwd-b moves to 0; nobody's membership changes
    clock.advance(ReuseportSteering.PROBE_EVERY_MILLIS);
    assertEquals(0, told.get("fwd-b").get(GROUP));
    assertSteered("fwd-a", "fwd-b");
  }

  @Test
  void withoutAnyProgramNoInstanceSteersOnAGuess() {
    // the probes of a group without a program all take one socket by hash: that socket's instance reads index 0,
    // maybe wrongly; a claim another instance makes as well is ignored, and the next round (program attached) fixes it
    open("fwd-b").start();
    open("fwd-c").start();
    open("fwd-a").start();
    kernel.hashSeed = 1;
    members("fwd-b", "fwd-c"); // fwd-a not heard yet: fwd-b leads and attaches the probe section at once
    assertTrue(kernel.program != null);
    clock.advance(ReuseportSteering.PROBE_WAIT_MILLIS);
    assertEquals(0, told.get("fwd-b").get(GROUP));
    assertEquals(1, told.get("fwd-c").get(GROUP));
    members("fwd-a", "fwd-b", "fwd-c");
    clock.advance(ReuseportSteering.PROBE_WAIT_MILLIS);
    assertEquals(2, told.get("fwd-a").get(GROUP));
    assertSteered("fwd-a", "fwd-b", "fwd-c");
  }

  @Test
  void theSameMemberSetAgainStartsNoExtraRound() {
    open("fwd-a").start();
    open("fwd-b").start();
    members("fwd-a", "fwd-b");
    clock.advance(ReuseportSteering.PROBE_WAIT_MILLIS);
    double own = ReuseportIndexProbe.counted("own");
    members("fwd-a", "fwd-b"); // a heartbeat round that changed nothing
    assertEquals(own, ReuseportIndexProbe.counted("own"));
  }

  @Test
  void conflictingClaimsSteerNeitherBucketSet() {
    SteeringTable t = new SteeringTable();
    t.index("fwd-a", GROUP, 0);
    t.index("fwd-b", GROUP, 0);
    t.index("fwd-c", GROUP, 1);
    String[] owners = SpiBuckets.owners(Set.of("fwd-a", "fwd-b", "fwd-c"));
    int[] table = t.indexOfBucket(GROUP, owners);
    for (int b = 0; b < table.length; b++) {
      assertEquals(owners[b].equals("fwd-c") ? 1 : ReuseportProgram.UNKNOWN, table[b]);
    }
    t.members(Set.of("fwd-b", "fwd-c"));
    assertEquals(Map.of("fwd-b", 0, "fwd-c", 1), t.indices(GROUP));
    t.index("fwd-c", GROUP, ReuseportProgram.UNKNOWN);
    assertEquals(Map.of("fwd-b", 0), t.indices(GROUP));
  }
}
