package io.ipsecmesh.esp.qos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.fwd.DataPlane;
import io.ipsecmesh.esp.fwd.ManualKeying;
import io.ipsecmesh.esp.fwd.SaDatabase;
import io.ipsecmesh.esp.fwd.SaFactory;
import io.ipsecmesh.esp.fwd.SaPair;
import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.Libc;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.esp.tun.InnerPacketHandler;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * LLQ in front of the crypto stage: when the stage is saturated the priority class (EF) loses nothing
 * and bulk is dropped. Load tests bounded by packet counts; the only assertions are counts.
 */
class LlqCryptoQueueTest {

  private static final int[] HOST_A = {10, 91, 11, 10};
  private static final int[] HOST_B = {10, 91, 12, 10};

  /** A 1028-byte UDP packet with DSCP {@code dscp} (IPv4 header checksum recomputed). */
  private static byte[] packet(int dscp, int sport) {
    byte[] p = Packets.udp4(HOST_A, HOST_B, sport, 5004, 1000);
    p[1] = (byte) (dscp << 2);
    p[10] = 0;
    p[11] = 0;
    int c = Packets.checksum(p, 0, 20);
    p[10] = (byte) (c >>> 8);
    p[11] = (byte) c;
    return p;
  }

  private static void offer(InnerPacketHandler q, byte[] p, PacketBuffer buf) {
    System.arraycopy(p, 0, buf.array(), PacketBuffer.HEADROOM, p.length);
    q.onInnerPacket(buf, PacketBuffer.HEADROOM, p.length);
  }

  /** The crypto stage of the deterministic tests: records the DSCP of what it is handed. */
  private static final class Recorder implements InnerPacketHandler {
    final List<Integer> dscps = new ArrayList<>();

    @Override
    public void onInnerPacket(PacketBuffer buf, int off, int len) {
      dscps.add(LlqCryptoQueue.dscp(buf.array(), off, len));
    }

    long count(int dscp) {
      return dscps.stream().filter(d -> d == dscp).count();
    }
  }

  @Test
  void dscpOfIpv4AndIpv6() {
    byte[] v4 = packet(46, 1);
    assertEquals(46, LlqCryptoQueue.dscp(v4, 0, v4.length));
    byte[] v6 = Packets.udp6(new byte[16], new byte[16], 8);
    v6[0] = (byte) (0x60 | (46 << 2) >>> 4); // traffic class EF = 0xB8 across the first two bytes
    v6[1] = (byte) (((46 << 2) & 0x0f) << 4);
    assertEquals(46, LlqCryptoQueue.dscp(v6, 0, v6.length));
    assertEquals(0, LlqCryptoQueue.dscp(packet(0, 1), 0, 48));
    assertEquals(-1, LlqCryptoQueue.dscp(new byte[] {0x10, 0}, 0, 2));
  }

  @Test
  void dscpNamesForTheForwarderOption() {
    assertArrayEquals(new int[] {46}, Dscp.parseList("ef"));
    assertArrayEquals(new int[] {46, 40, 34, 44}, Dscp.parseList("EF, cs5,af41,voice-admit"));
    assertArrayEquals(new int[] {46}, Dscp.parseList("46,ef"));
    assertThrows(IllegalArgumentException.class, () -> Dscp.parseList("64"));
    assertThrows(IllegalArgumentException.class, () -> Dscp.parseList("af51"));
  }

  /**
   * The crypto stage takes 50 packets a round while 100 arrive (10 EF among 90 bulk): 1000 rounds. Every
   * EF packet gets through and each round's EF packets go first; 40 bulk packets a round are dropped.
   * The same load through one FIFO class (EF not configured as priority) loses EF like everything else.
   */
  @Test
  void saturatedCryptoStageDropsBulkAndNeverPriority() {
    Recorder stage = new Recorder();
    LlqCryptoQueue q = new LlqCryptoQueue(stage, new int[] {LlqCryptoQueue.EF}, 16, 64, 1500);
    PacketBuffer buf = new PacketBuffer();
    byte[] ef = packet(46, 1);
    byte[] bulk = packet(0, 2);
    boolean efFirstEachRound = true;
    for (int round = 0; round < 1000; round++) {
      for (int i = 0; i < 100; i++) {
        offer(q, i % 10 == 0 ? ef : bulk, buf);
      }
      int before = stage.dscps.size();
      assertEquals(50, q.drain(50));
      efFirstEachRound &= stage.dscps.subList(before, before + 10).stream().allMatch(d -> d == 46);
    }
    q.drain(Integer.MAX_VALUE);
    assertEquals(0, q.priorityDropped(), "no EF packet lost");
    assertEquals(10_000, stage.count(46), "every EF packet reached the crypto stage");
    assertTrue(efFirstEachRound, "EF is served before bulk");
    assertEquals(90_000, q.bulkQueued() + q.bulkDropped());
    assertEquals(90_000 - stage.count(0), q.bulkDropped());
    assertTrue(q.bulkDropped() >= 39_000, "bulk takes the loss: " + q.bulkDropped());

    Recorder fifoStage = new Recorder();
    LlqCryptoQueue fifo = new LlqCryptoQueue(fifoStage, new int[0], 16, 64, 1500);
    for (int round = 0; round < 1000; round++) {
      for (int i = 0; i < 100; i++) {
        offer(fifo, i % 10 == 0 ? ef : bulk, buf);
      }
      fifo.drain(50);
    }
    fifo.drain(Integer.MAX_VALUE);
    assertTrue(fifoStage.count(46) < 7_000, "one FIFO loses EF too: " + fifoStage.count(46) + " of 10000");
  }

  @Test
  void anOversizePacketIsDroppedAndCounted() {
    Recorder stage = new Recorder();
    LlqCryptoQueue q = new LlqCryptoQueue(stage, new int[] {46}, 4, 4, 512);
    offer(q, packet(46, 1), new PacketBuffer());
    assertEquals(1, q.oversize());
    assertEquals(0, q.drain(10));
  }

  /** Classifying, queueing and dequeuing allocate nothing: 100 000 packets after a warm-up, on this thread. */
  @Test
  void queueingAllocatesNothingPerPacket() {
    long[] handed = {0};
    LlqCryptoQueue q = new LlqCryptoQueue((b, o, l) -> handed[0]++, new int[] {46}, 64, 64, 1500);
    PacketBuffer buf = new PacketBuffer();
    byte[] ef = packet(46, 1);
    byte[] bulk = packet(0, 2);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = 0;
    for (int i = 0; i < 200_000; i++) {
      if (i == 100_000) {
        before = threads.getCurrentThreadAllocatedBytes();
      }
      offer(q, i % 10 == 0 ? ef : bulk, buf);
      if (i % 8 == 7) {
        q.drain(8);
      }
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(200_000, handed[0]);
    assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 100000 packets");
  }

  /** Counts ESP packets the crypto stage sealed and sent. */
  private static final class CountingSender implements EspSender {
    volatile long sent;

    @Override
    public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer) {
      sent++;
      return true;
    }

    @Override
    public int family() {
      return Libc.AF_INET;
    }
  }

  /**
   * The real crypto stage (SPD lookup, AES-GCM seal, send) on the queue's own thread, fed by a reader
   * thread as fast as it can copy: 200 000 packets, one EF in a hundred. The reader outruns sealing, so
   * bulk is dropped; no EF packet is, and every packet the queue took was sealed.
   */
  @Test
  void realCryptoStageUnderLoadKeepsEveryEfPacket() throws Exception {
    GatewayConfig cfg = ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0");
    SaDatabase sad = new SaDatabase(p -> {});
    sad.setSpd(SecurityPolicyDatabase.build(cfg));
    KeyWrap wrap = KeyWrap.fromEnvironment();
    SaFactory factory = new SaFactory(wrap, Libc.AF_INET);
    SaPair pair = null;
    for (ChildSa sa : ManualKeying.childSas(cfg, wrap, p -> {
      throw new AssertionError(p);
    })) {
      pair = factory.build(sa, true, sad.spd());
      pair.outbound().startAt(1, 1L << 40);
      sad.install(pair);
    }
    CountingSender sender = new CountingSender();
    DataPlane plane = new DataPlane(sad, new InProcessPacketPort("llq"), sender, (m, s, l) -> {});
    // warm the crypto stage (class loading, JIT, cipher set-up) so the load meets it at its normal speed
    PacketBuffer warm = new PacketBuffer();
    byte[] w = packet(0, 3);
    for (int i = 0; i < 50_000; i++) {
      offer(plane.outbound(), w, warm);
    }
    plane.outbound().onBatchEnd();
    long warmed = pair.outbound().encaps();
    LlqCryptoQueue q = new LlqCryptoQueue(plane.outbound(), new int[] {LlqCryptoQueue.EF}, 4096, 256, 1500)
        .start("llq-test-crypto");
    try {
      PacketBuffer buf = new PacketBuffer();
      byte[] ef = packet(46, 1);
      byte[] bulk = packet(0, 2);
      for (int i = 0; i < 200_000; i++) {
        offer(q, i % 100 == 0 ? ef : bulk, buf);
        if (i % 32 == 31) {
          q.onBatchEnd();
        }
      }
      q.onBatchEnd();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (q.depth() > 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    } finally {
      q.close();
    }
    assertEquals(0, q.depth(), "the crypto thread emptied both rings");
    assertEquals(2_000, q.priorityQueued());
    assertEquals(0, q.priorityDropped(), "no EF packet lost");
    assertTrue(q.bulkDropped() > 0, "the crypto stage was saturated: bulk dropped " + q.bulkDropped());
    assertEquals(198_000, q.bulkQueued() + q.bulkDropped());
    assertEquals(50_000, warmed);
    assertEquals(q.priorityQueued() + q.bulkQueued(), pair.outbound().encaps() - warmed,
        "every queued packet was sealed");
    assertEquals(pair.outbound().encaps(), sender.sent);
    System.out.printf("LLQ load: 200000 offered (2000 EF), EF dropped %d, bulk dropped %d (%.1f %%)%n",
        q.priorityDropped(), q.bulkDropped(), 100.0 * q.bulkDropped() / 198_000);
  }
}
