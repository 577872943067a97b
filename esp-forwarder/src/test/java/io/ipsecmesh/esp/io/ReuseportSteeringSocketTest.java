package io.ipsecmesh.esp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.steer.ReuseportIndexProbe;
import io.ipsecmesh.esp.steer.ReuseportSteering;
import io.ipsecmesh.esp.steer.SpiBuckets;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Inbound steering on real sockets (no root needed): three forwarder instances' UDP sockets share one port of
 * 127.0.0.1 with SO_REUSEPORT in this JVM; their {@link ReuseportSteering}s (on a virtual clock, the bus replaced by
 * direct calls) probe through the kernel, learn distinct indices, and the lowest attaches the program, after which
 * ESP of every SPI bucket arrives at the socket of the bucket's owner — from many source ports, which the kernel's
 * own hash would spread. Then one socket closes (the kernel moves the last one into its hole) and the survivors'
 * re-probe fixes the table.
 */
class ReuseportSteeringSocketTest {

  private final VirtualScheduler clock = new VirtualScheduler();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final Map<String, UdpEncapSocket> sockets = new LinkedHashMap<>();
  private final Map<String, ReuseportSteering> steering = new LinkedHashMap<>();
  private final Map<String, Integer> told = new ConcurrentHashMap<>();
  /** SPI → the instance whose socket received it. */
  private final Map<Long, String> arrivedAt = new ConcurrentHashMap<>();
  private final AtomicInteger arrived = new AtomicInteger();
  private final List<DatagramSocket> peers = new ArrayList<>();
  private final Random random = new Random(3948);

  @AfterEach
  void close() {
    steering.values().forEach(ReuseportSteering::stop);
    sockets.values().forEach(UdpEncapSocket::close);
    peers.forEach(DatagramSocket::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void open(String id, int port) throws Exception {
    UdpEncapSocket s = new UdpEncapSocket(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        new Recorder(id), false, false);
    s.reusePort(true);
    s.bind();
    ReuseportSteering.Group g = s.steeringGroup();
    ReuseportSteering st = new ReuseportSteering(id, clock, List.of(g), random::nextLong,
        new ReuseportSteering.Events() {
          @Override
          public void index(String grp, int index) {
            told.put(id, index);
            steering.forEach((other, o) -> o.heard(id, grp, index));
          }

          @Override
          public void attached(String grp, int[] indexOfBucket, int instructions) {}

          @Override
          public void attachFailed(String grp, String why) {
            throw new AssertionError(why);
          }
        });
    s.probes(st.probe(g.name()));
    sockets.put(id, s);
    steering.put(id, st);
  }

  private static double probesReceived() {
    return ReuseportIndexProbe.counted("own") + ReuseportIndexProbe.counted("foreign")
        + ReuseportIndexProbe.counted("stale");
  }

  /** Tells the live instances who is live, waits for every probe of their rounds, then lets the rounds end. */
  private void membersAndProbe(String... live) throws Exception {
    double before = probesReceived();
    Set<String> m = Set.of(live);
    for (String id : live) {
      steering.get(id).members(m);
    }
    int sent = live.length * ReuseportIndexProbe.probesFor(live.length);
    await(() -> probesReceived() - before >= sent, "all " + sent + " probes back over loopback");
    clock.advance(ReuseportSteering.PROBE_WAIT_MILLIS);
  }

  /** Sends two ESP packets of every bucket from four source ports; each must reach its bucket owner's socket. */
  private void assertEspReachesOwners(String... live) throws Exception {
    arrivedAt.clear();
    arrived.set(0);
    int port = sockets.values().iterator().next().localAddress().getPort();
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    while (peers.size() < 4) {
      peers.add(new DatagramSocket(0, InetAddress.getLoopbackAddress()));
    }
    int n = 0;
    for (int b = 0; b < SpiBuckets.COUNT; b++) {
      for (int k = 0; k < 2; k++) {
        long spi = 0x0100_0000L * (k + 1) | 0x1200 | b;
        byte[] esp = new byte[64];
        esp[0] = (byte) (spi >>> 24);
        esp[1] = (byte) (spi >>> 16);
        esp[2] = (byte) (spi >>> 8);
        esp[3] = (byte) spi;
        esp[7] = 1;
        peers.get((b + k) % peers.size()).send(new DatagramPacket(esp, esp.length, to));
        n++;
      }
      if (b % 32 == 31) {
        int expect = n;
        await(() -> arrived.get() >= expect, expect + " ESP packets"); // the receive buffer is not the test
      }
    }
    String[] owners = SpiBuckets.owners(Set.of(live));
    for (Map.Entry<Long, String> e : arrivedAt.entrySet()) {
      assertEquals(owners[SpiBuckets.bucket(e.getKey())], e.getValue(), "SPI " + Long.toHexString(e.getKey()));
    }
    assertEquals(n, arrivedAt.size());
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void probingLearnsDistinctIndicesAndEspReachesItsOwnersSocketAlsoAfterOneCloses() throws Exception {
    open("fwd-a", 0);
    int port = sockets.get("fwd-a").localAddress().getPort();
    open("fwd-b", port);
    open("fwd-c", port);
    membersAndProbe("fwd-a", "fwd-b", "fwd-c");
    // the kernel appends sockets to the group in bind order
    assertEquals(Map.of("fwd-a", 0, "fwd-b", 1, "fwd-c", 2), told);
    assertTrue(steering.get("fwd-a").leads());
    assertEspReachesOwners("fwd-a", "fwd-b", "fwd-c");

    // fwd-a goes: the kernel moves fwd-c (the last) into index 0; the survivors re-probe on the member change
    steering.remove("fwd-a").stop();
    sockets.remove("fwd-a").close();
    told.clear();
    membersAndProbe("fwd-b", "fwd-c");
    assertEquals(Map.of("fwd-b", 1, "fwd-c", 0), told);
    assertTrue(steering.get("fwd-b").leads());
    assertEspReachesOwners("fwd-b", "fwd-c");
  }

  private final class Recorder implements OuterReceiver {
    private final String id;

    Recorder(String id) {
      this.id = id;
    }

    @Override
    public void onEsp(PacketBuffer buf, int off, int len, InetSocketAddress sender) {
      long spi = (buf.array()[off] & 0xFFL) << 24 | (buf.array()[off + 1] & 0xFF) << 16
          | (buf.array()[off + 2] & 0xFF) << 8 | buf.array()[off + 3] & 0xFF;
      arrivedAt.put(spi, id);
      arrived.incrementAndGet();
    }

    @Override
    public void onIke(byte[] message, InetSocketAddress sender, InetSocketAddress local) {}

    @Override
    public void onKeepalive(InetSocketAddress sender) {}

    @Override
    public void onMalformed(InetSocketAddress sender) {}
  }
}
