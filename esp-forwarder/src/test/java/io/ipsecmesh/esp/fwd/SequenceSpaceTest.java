package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The end of the sequence space, with the counter seeded near it (through the reservation map, the way a
 * long-running SA gets there) and the supervisor ticked in virtual time: a soft expiry (rekey) at
 * 2^32 - 2^28 without ESN and at 2^62 with it, sent once; no number beyond 2^32 - 1 without ESN (RFC 4303
 * §3.3.3: never wrap); and with ESN (RFC 4303 §2.2.1) packets cross 2^32 and open at a peer whose SA has ESN,
 * its high-order 32 bits inferred by the anti-replay window (Appendix A) and covered by the ICV.
 */
class SequenceSpaceTest {

  private final VirtualScheduler clock = new VirtualScheduler();
  private final ConcurrentHashMap<String, String> shared = new ConcurrentHashMap<>();
  private final List<FwdMessages.SaExpired> expired = new ArrayList<>();
  private final List<String> logs = new ArrayList<>();

  /** A forwarder: data plane, installer (reserving at once) and supervisor on the virtual clock. */
  private final class Forwarder {
    final TestGateway gw = new TestGateway();
    final SaInstaller installer;
    final SaSupervisor supervisor;

    Forwarder() {
      gw.sad.setSpd(SaInstallerTest.spd());
      SequenceReservations r = new SequenceReservations(shared, null);
      installer = gw.installer(r, logs::add, clock::nowMillis);
      supervisor = new SaSupervisor("fwd", gw.sad, gw.plane.acquires(), gw.plane.invalidSpis(), clock,
          new SaSupervisor.Sink() {
            public void acquire(FwdMessages.Acquire a) {}

            public void invalidSpi(FwdMessages.InvalidSpi i) {}

            public void expired(FwdMessages.SaExpired e) {
              expired.add(e);
            }

            public void idle(FwdMessages.SaIdle i) {}

            public void activity(FwdMessages.ActivitySummary s) {}

            public void counters(List<SaCounters> c) {}

            public void log(String line) {
              logs.add(line);
            }

            public void reserveSequences(SaPair pair) {
              installer.topUp(pair);
            }
          }, () -> "172.31.250.1");
      supervisor.start();
    }
  }

  private static ChildSa sa(long inSpi, long outSpi, boolean esn, byte key) {
    KeyWrap w = KeyWrap.fromEnvironment();
    byte[] k = new byte[EspTransform.AES_CBC_256_HMAC_SHA256_128.keyMaterialBytes()];
    java.util.Arrays.fill(k, key);
    return new ChildSa("01:02", 7, "VPN", 10, inSpi, outSpi, EspTransform.AES_CBC_256_HMAC_SHA256_128,
        ChildSa.Mode.TUNNEL, true, esn, 64, "172.31.250.1", 4500, "172.31.250.2", 4500,
        List.of(TrafficSelector.anyPorts("10.91.11.0", "10.91.11.255")),
        List.of(TrafficSelector.anyPorts("10.91.12.0", "10.91.12.255")), new ChildSa.Lifetime(0, 0, 0, 0), 0, "copy",
        w.wrap(k), w.wrap(k), 1000);
  }

  /** Seeds the reservation map so the SA's first block starts at {@code first}. */
  private void seed(ChildSa sa, long first) {
    shared.put(sa.saId(), SequenceReservations.encode(sa.saId(), first - 1));
  }

  private static FwdMessages.SaExpired soft(ChildSa sa) {
    return new FwdMessages.SaExpired(sa.inboundSpi(), sa.outboundSpi(), sa.peerAddress(), FwdMessages.Limit.SOFT,
        FwdMessages.Measure.SEQUENCE_NUMBERS);
  }

  @Test
  void without32BitEsnTheRekeyIsAskedFor2To28NumbersBeforeTheEndOnce() {
    Forwarder f = new Forwarder();
    ChildSa sa = sa(0xe1, 0x71, false, (byte) 1);
    seed(sa, SaSupervisor.SEQUENCE_SOFT_32 - 2);
    f.installer.install(sa, false);
    assertEquals(SaSupervisor.SEQUENCE_SOFT_32 - 2, SaInstallerTest.send(f.gw));
    assertEquals(SaSupervisor.SEQUENCE_SOFT_32 - 1, SaInstallerTest.send(f.gw));
    clock.advance(SaSupervisor.TICK_MILLIS);
    assertEquals(List.of(), expired, "the next number to use is still below the soft limit");
    assertEquals(SaSupervisor.SEQUENCE_SOFT_32, SaInstallerTest.send(f.gw));
    clock.advance(SaSupervisor.TICK_MILLIS);
    assertEquals(List.of(soft(sa)), expired);
    SaInstallerTest.send(f.gw);
    clock.advance(10 * SaSupervisor.TICK_MILLIS);
    assertEquals(1, expired.size(), "once per SA");
    assertEquals(0xFFFF_FFFFL - SaSupervisor.SEQUENCE_SOFT_32, SaSupervisor.SEQUENCE_SOFT_MARGIN_32);
  }

  @Test
  void without32BitEsnNoNumberBeyond2To32Minus1IsEverSent() {
    Forwarder f = new Forwarder();
    ChildSa sa = sa(0xe2, 0x72, false, (byte) 2);
    seed(sa, 0xFFFF_FFFFL - 1);
    f.installer.install(sa, false);
    assertEquals(0xFFFF_FFFEL, SaInstallerTest.send(f.gw));
    assertEquals(0xFFFF_FFFFL, SaInstallerTest.send(f.gw));
    clock.advance(SaSupervisor.TICK_MILLIS); // asks for the next block: there is none
    assertEquals(-1, SaInstallerTest.send(f.gw), "dropped, never wrapped to 0 or 1");
    assertEquals(-1, SaInstallerTest.send(f.gw));
    SaPair p = f.gw.sad.get(0xe2);
    assertEquals(2, p.outbound().sequenceStarved);
    assertTrue(expired.contains(soft(sa)));
  }

  @Test
  void withEsnTheSoftLimitIsAt2To62() {
    Forwarder f = new Forwarder();
    ChildSa sa = sa(0xe3, 0x73, true, (byte) 3);
    seed(sa, SaSupervisor.SEQUENCE_SOFT_64 - 1);
    f.installer.install(sa, false);
    SaInstallerTest.send(f.gw);
    clock.advance(SaSupervisor.TICK_MILLIS);
    assertEquals(List.of(), expired);
    SaInstallerTest.send(f.gw);
    clock.advance(SaSupervisor.TICK_MILLIS);
    assertEquals(List.of(soft(sa)), expired);
  }

  @Test
  void withEsnPacketsCross2To32AndOpenAtAnEsnPeer() throws InterruptedException {
    Forwarder a = new Forwarder();
    TestGateway b = new TestGateway();
    b.sad.setSpd(io.ipsecmesh.esp.spd.SecurityPolicyDatabase.empty());
    ChildSa out = sa(0xe4, 0x74, true, (byte) 4);
    // B's SA: receives on 0x74 with the key A sends with (both directions share the key in this test)
    ChildSa atB = new ChildSa("01:02", 8, "VPN", 10, 0x74, 0xe4, out.transform(), ChildSa.Mode.TUNNEL, true, true, 64,
        "172.31.250.2", 4500, "172.31.250.1", 4500, out.remoteSelectors(), out.localSelectors(), out.lifetime(), 0,
        "copy", out.wrappedOutboundKeys(), out.wrappedInboundKeys(), 1000);
    SaPair bPair = b.factory.build(atB, false, b.sad.spd());
    bPair.out.startAt(1, 1);
    b.sad.install(bPair);
    seed(out, 0xFFFF_FFFFL - 1);
    // B has authenticated the SA's earlier packets, up to 2^32 - 3 (the seeded counterpart of A's counter)
    bPair.inbound().replay.update(0xFFFF_FFFDL);
    a.installer.install(out, false);
    InetSocketAddress from = new InetSocketAddress("172.31.250.1", 4500);
    long[] lowHalves = new long[4];
    for (int i = 0; i < 4; i++) {
      byte[] inner = Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, 100 + i);
      a.gw.port.inject(inner);
      byte[] esp = a.gw.sent.packets.poll().packet();
      lowHalves[i] = EspHeader.readSeqLow(esp, 0);
      b.receive(esp, from);
      assertArrayEquals(inner, b.port.poll(0), "packet " + i + " opened at B");
    }
    // 2^32 - 2, 2^32 - 1, 2^32, 2^32 + 1 on the wire as their low 32 bits only
    assertArrayEquals(new long[] {0xFFFF_FFFEL, 0xFFFF_FFFFL, 0, 1}, lowHalves);
    assertEquals(4, bPair.inbound().decaps());
    assertEquals(0x1_0000_0002L, a.gw.sad.get(0xe4).outbound().nextSequence());
  }

  @Test
  void anEsnPacketAfterTheWrapFailsItsIcvAtAPeerWithoutEsn() throws InterruptedException {
    Forwarder a = new Forwarder();
    TestGateway b = new TestGateway();
    ChildSa out = sa(0xe5, 0x75, true, (byte) 5);
    ChildSa atB = new ChildSa("01:02", 8, "VPN", 10, 0x75, 0xe5, out.transform(), ChildSa.Mode.TUNNEL, true, false,
        64, "172.31.250.2", 4500, "172.31.250.1", 4500, out.remoteSelectors(), out.localSelectors(), out.lifetime(),
        0, "copy", out.wrappedOutboundKeys(), out.wrappedInboundKeys(), 1000);
    SaPair bPair = b.factory.build(atB, false, b.sad.spd());
    bPair.out.startAt(1, 1);
    b.sad.install(bPair);
    seed(out, 0x1_0000_0005L); // 2^32 + 5: on the wire as 5, which B's fresh window accepts as 5
    a.installer.install(out, false);
    a.gw.port.inject(Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, 100));
    b.receive(a.gw.sent.packets.poll().packet(), new InetSocketAddress("172.31.250.1", 4500));
    assertNull(b.port.poll(0), "the high-order bits are in the ICV: without them it does not verify");
    assertEquals(1, bPair.inbound().authFailures());
  }
}
