package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forwarder restarted mid-SA (or a replacement forwarder taking it over) never reuses a sequence number:
 * negotiated SAs resume above the block reserved in the shared map, manual SAs above the high-water mark in the
 * state directory (the single-JVM map does not survive the restart). A forwarder that cannot prove the mark does
 * not send. Each "forwarder" is a data plane with its own {@link SaInstaller}, as the verticle builds them; the
 * restart drops the first one without any shutdown (a crash: nothing released, nothing flushed).
 */
class SequenceHighWaterTest {

  @TempDir
  Path state;

  /** One forwarder: data plane + installer reserving synchronously (as a worker would) in {@code map} / the file. */
  private static final class Forwarder {
    final TestGateway gw = new TestGateway();
    final List<String> starved = new ArrayList<>();
    final SaInstaller installer;

    Forwarder(ConcurrentMap<String, String> map, ManualSequenceFile file, GatewayConfig spdOf) {
      SequenceReservations r = new SequenceReservations(map, file);
      gw.sad.setSpd(spdOf == null ? SaInstallerTest.spd()
          : io.ipsecmesh.esp.spd.SecurityPolicyDatabase.build(spdOf));
      installer = gw.installer(r, starved::add, () -> 0L);
    }

    List<Long> send(int n) {
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        seqs.add(SaInstallerTest.send(gw));
      }
      return seqs;
    }
  }

  private static long max(List<Long> l) {
    return l.stream().mapToLong(Long::longValue).max().orElseThrow();
  }

  private static long min(List<Long> l) {
    return l.stream().mapToLong(Long::longValue).min().orElseThrow();
  }

  @Test
  void aRestartedForwarderResumesANegotiatedSaAboveEveryNumberItMayHaveSent() {
    ConcurrentMap<String, String> hazelcast = new ConcurrentHashMap<>(); // survives the forwarder's restart
    ChildSa sa = SaInstallerTest.childSa("01:02", 0xd1, 0x61, 1000, 4500, false);
    Forwarder first = new Forwarder(hazelcast, null, null);
    first.installer.install(sa, false);
    List<Long> before = first.send(20);
    assertEquals(1, min(before));
    assertEquals(20, max(before));

    Forwarder restarted = new Forwarder(hazelcast, null, null); // reads the SA from the map again
    restarted.installer.install(sa, false);
    List<Long> after = restarted.send(20);
    assertEquals(SequenceReservations.BLOCK + 1, min(after), "resumes past the whole block the first one held");
    assertTrue(min(after) > max(before));
    assertEquals(20, after.stream().distinct().count());
  }

  @Test
  void aRestartedForwarderResumesAManualSaAboveTheHighWaterMarkOfItsStateDirectory() throws IOException {
    GatewayConfig config = ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0");
    List<ChildSa> sas = ManualKeying.childSas(config, io.ipsecmesh.proto.sa.KeyWrap.fromEnvironment(), p -> {
      throw new AssertionError(p);
    });
    ChildSa sa = sas.get(0);
    ManualSequenceFile file = new ManualSequenceFile(state);
    Forwarder first = new Forwarder(new ConcurrentHashMap<>(), file, config);
    first.installer.install(sa, true);
    List<Long> before = first.send(5);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), before);
    assertEquals(SequenceReservations.BLOCK, new ManualSequenceFile(state).highWater(sa.saId()),
        "the block was on disk before its first number left");

    // the single-JVM map is gone with the process; only the state directory remains
    Forwarder restarted = new Forwarder(new ConcurrentHashMap<>(), new ManualSequenceFile(state), config);
    restarted.installer.install(sa, true);
    List<Long> after = restarted.send(5);
    assertEquals(SequenceReservations.BLOCK + 1, min(after));
    assertTrue(min(after) > max(before));
    assertEquals(2 * SequenceReservations.BLOCK, new ManualSequenceFile(state).highWater(sa.saId()));
  }

  @Test
  void aManualSaWhoseHighWaterMarkCannotBeReadSendsNothing() throws IOException {
    GatewayConfig config = ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0");
    ChildSa sa = ManualKeying.childSas(config, io.ipsecmesh.proto.sa.KeyWrap.fromEnvironment(), p -> { }).get(0);
    ManualSequenceFile file = new ManualSequenceFile(state);
    file.record(sa.saId(), 42);
    try (var files = Files.list(file.directory())) {
      Files.writeString(files.findFirst().orElseThrow(), "garbage");
    }
    Forwarder f = new Forwarder(new ConcurrentHashMap<>(), new ManualSequenceFile(state), config);
    f.installer.install(sa, true);
    assertEquals(List.of(-1L, -1L, -1L), f.send(3));
    SaPair p = f.gw.sad.get(sa.inboundSpi());
    assertNotNull(p);
    assertEquals(3, p.outbound().sequenceStarved);
    assertEquals(1, f.starved.size());
    assertTrue(f.starved.get(0).contains("does not hold the high-water mark"), f.starved.get(0));
  }

  @Test
  void withoutAStateDirectoryAManualSaSendsNothing() {
    GatewayConfig config = ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0");
    ChildSa sa = ManualKeying.childSas(config, io.ipsecmesh.proto.sa.KeyWrap.fromEnvironment(), p -> { }).get(0);
    Forwarder f = new Forwarder(new ConcurrentHashMap<>(), null, config);
    f.installer.install(sa, true);
    assertEquals(List.of(-1L), f.send(1));
    assertEquals(List.of("no state directory for the high-water mark of manual SAs"), f.starved);
  }
}
