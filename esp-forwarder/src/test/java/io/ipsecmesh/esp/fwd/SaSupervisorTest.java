package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.spd.Ip128;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The once-a-second control work in virtual time: activity, idle-time, lifetimes, replay log, acquire. */
class SaSupervisorTest {

  private final VirtualScheduler clock = new VirtualScheduler();
  private final RecordingSink sink = new RecordingSink(clock::nowMillis);
  private final List<Object> events = sink.events;
  private final List<String> logs = sink.logs;
  private final List<SaPair> reserveAsked = sink.reserveAsked;
  /** Every counters row published, in order, with the virtual time it was published at. */
  private final List<RecordingSink.Published> published = sink.published;
  private TestGateway gw;
  private SaSupervisor supervisor;

  static ChildSa ikeSa(long inSpi, long outSpi, ChildSa.Lifetime lifetime, int idle) {
    KeyWrap w = KeyWrap.fromEnvironment();
    byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
    return new ChildSa("aa:bb", 7, "VPN", 10, inSpi, outSpi, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true,
        false, 64, "172.31.250.1", 4500, "172.31.250.2", 4500,
        List.of(TrafficSelector.anyPorts("10.91.11.0", "10.91.11.255")),
        List.of(TrafficSelector.anyPorts("10.91.12.0", "10.91.12.255")), lifetime, idle, "copy", w.wrap(k), w.wrap(k),
        1);
  }

  @BeforeEach
  void setUp() {
    gw = new TestGateway();
    supervisor = new SaSupervisor("fwd-1", gw.sad, gw.plane.acquires(), gw.plane.invalidSpis(), clock, sink,
        () -> "172.31.250.1");
    supervisor.start();
  }

  /** The row last published for the SA. */
  private RecordingSink.Published row(long inboundSpi) {
    return published.reversed().stream().filter(r -> r.row().inboundSpi() == inboundSpi).findFirst().orElseThrow();
  }

  /** What {@code show crypto ipsec sa} prints as the remaining time lifetime now: the row's, less its age. */
  private long remainingSecondsNow(long inboundSpi) {
    RecordingSink.Published r = row(inboundSpi);
    return r.row().remainingSeconds() - (clock.nowMillis() - r.atMillis()) / 1000;
  }

  private SaPair install(ChildSa sa) {
    SaPair p = gw.factory.build(sa, false, gw.sad.spd());
    supervisor.started(p);
    return gw.install(p);
  }

  /** The SPD of crypto map VPN 10 (ipsec-isakmp, ACL 101: 10.91.11.0/24 → 10.91.12.0/24), then one 1028-byte packet. */
  private void traffic(SaPair p) {
    gw.sad.setSpd(SecurityPolicyDatabase.build(ManualKeyConfigs.withMaps(
        List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("172.31.250.2"),
            List.of("GCM"), null, null, "101", null, null, null)),
        List.of(new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
            new AddressMatch("10.91.11.0", "0.0.0.255"), null, new AddressMatch("10.91.12.0", "0.0.0.255"), null,
            null)))),
        "172.31.250.1")));
    gw.port.inject(Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, 1000));
  }

  @Test
  void activitySummaryNamesTheSasThatSent() {
    SaPair p = install(ikeSa(0x3001, 0x4001, new ChildSa.Lifetime(0, 0, 0, 0), 0));
    traffic(p);
    assertEquals(1, p.outbound().encaps());
    clock.advance(1000);
    FwdMessages.ActivitySummary s = (FwdMessages.ActivitySummary) events.get(0);
    assertEquals("fwd-1", s.forwarderId());
    FwdMessages.SaActivity a = s.activity().get(0);
    assertEquals(0x3001, a.inboundSpi());
    assertTrue(a.sent());
    assertFalse(a.received());
    clock.advance(1000);
    assertEquals(1, events.size(), "no new traffic, no new activity entry");
    assertEquals(1, row(0x3001).row().encaps());
    assertEquals(0x4001, row(0x3001).row().currentOutboundSpi());
  }

  @Test
  void idleTimeFiresOnceAfterTheLastPacket() {
    SaPair p = install(ikeSa(0x3002, 0x4002, new ChildSa.Lifetime(0, 0, 0, 0), 60));
    clock.advance(30_000);
    traffic(p);
    clock.advance(59_000);
    assertTrue(events.stream().noneMatch(e -> e instanceof FwdMessages.SaIdle), "idle counted from the last packet");
    clock.advance(2_000);
    assertEquals(1, events.stream().filter(e -> e instanceof FwdMessages.SaIdle).count());
    clock.advance(120_000);
    assertEquals(1, events.stream().filter(e -> e instanceof FwdMessages.SaIdle).count(), "sent once");
  }

  @Test
  void softThenHardTimeLifetime() {
    SaPair p = install(ikeSa(0x3003, 0x4003, new ChildSa.Lifetime(3240, 3600, 0, 0), 0));
    clock.advance(3_239_000);
    assertTrue(events.isEmpty());
    clock.advance(1_000);
    assertEquals(new FwdMessages.SaExpired(0x3003, 0x4003, "172.31.250.2", FwdMessages.Limit.SOFT,
        FwdMessages.Measure.SECONDS), events.get(0));
    assertEquals(360, remainingSecondsNow(0x3003), "show crypto ipsec sa, from the row written at the first tick");
    clock.advance(360_000);
    assertEquals(new FwdMessages.SaExpired(0x3003, 0x4003, "172.31.250.2", FwdMessages.Limit.HARD,
        FwdMessages.Measure.SECONDS), events.get(1));
    assertTrue(p.hardExpired(), "the data plane stops using a hard-expired SA");
    assertEquals(2, events.size());
  }

  @Test
  void volumeLifetimeInKilobytes() {
    SaPair p = install(ikeSa(0x3004, 0x4004, new ChildSa.Lifetime(0, 0, 1, 3), 0));
    traffic(p);
    traffic(p);
    clock.advance(1000);
    assertEquals(List.of(FwdMessages.Limit.SOFT), expiries().stream().map(FwdMessages.SaExpired::limit).toList());
    traffic(p);
    clock.advance(1000);
    FwdMessages.SaExpired hard = expiries().get(1);
    assertEquals(FwdMessages.Limit.HARD, hard.limit());
    assertEquals(FwdMessages.Measure.KILOBYTES, hard.measure());
    long before = p.outbound().encaps();
    traffic(p);
    assertEquals(before, p.outbound().encaps(), "no packet after the hard volume limit");
  }

  private List<FwdMessages.SaExpired> expiries() {
    return events.stream().filter(e -> e instanceof FwdMessages.SaExpired).map(e -> (FwdMessages.SaExpired) e).toList();
  }

  @Test
  void replayFailuresLogOncePerSecondWithTheConnectionId() {
    SaPair p = install(ikeSa(0x3005, 0x4005, new ChildSa.Lifetime(0, 0, 0, 0), 0));
    p.in.replayFailures = 5;
    clock.advance(1000);
    clock.advance(1000);
    assertEquals(List.of("%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id=7"), logs);
  }

  @Test
  void invalidSpiBecomesEventAndIosLogLine() {
    gw.plane.invalidSpis().offer(0x249C5062L, 0, Ip128.v4Lo(0xAC1FFA02), 4500, 0, 0);
    clock.advance(1000);
    assertEquals(new FwdMessages.InvalidSpi("172.31.250.1", "172.31.250.2", 4500, 0x249C5062L, 50), events.get(0));
    assertEquals("%CRYPTO-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=172.31.250.1, "
        + "prot=50, spi=0x249C5062(614223970), srcaddr=172.31.250.2", logs.get(0));
  }

  @Test
  void packetWithoutSaRaisesOneAcquirePerSecond() {
    SaPair p = install(ikeSa(0x3006, 0x4006, new ChildSa.Lifetime(0, 0, 0, 0), 0));
    gw.sad.remove(p.sa().inboundSpi());
    traffic(p);
    gw.port.inject(Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, 10));
    clock.advance(1000);
    List<Object> acquires = events.stream().filter(e -> e instanceof FwdMessages.Acquire).toList();
    assertEquals(List.of(new FwdMessages.Acquire("VPN", 10, "10.91.11.1", "10.91.12.1", 17)), acquires);
    assertEquals(2, gw.plane.stats().innerNoSa());
  }

  @Test
  void sequenceBlockIsRefilledBeforeItRunsOut() {
    SaPair p = install(ikeSa(0x3007, 0x4007, new ChildSa.Lifetime(0, 0, 0, 0), 0));
    clock.advance(1000);
    assertTrue(reserveAsked.isEmpty(), "a fresh block is more than half free");
    p.out.nextSequence = (1 << 20) - 10;
    clock.advance(1000);
    assertEquals(List.of(p), reserveAsked);
  }

  /**
   * An SA without traffic has its counters row written once, at the first tick; a packet brings one new row at the
   * next tick, then nothing again. At 100 000 idle SAs a row a second each was 100 000 shared-map writes a second.
   */
  @Test
  void countersRowIsWrittenOnlyWhenACounterChanged() {
    // one tunnel: the SA installed second replaces the first and waits (held) while the first carries the traffic
    SaPair busy = install(ikeSa(0x3009, 0x4009, new ChildSa.Lifetime(3240, 3600, 0, 0), 0));
    SaPair idle = install(ikeSa(0x3008, 0x4008, new ChildSa.Lifetime(3240, 3600, 0, 0), 0));
    clock.advance(1000);
    assertEquals(List.of(0x3008L, 0x3009L), published.stream().map(r -> r.row().inboundSpi()).sorted().toList(),
        "the first tick writes every SA's row");
    clock.advance(59_000);
    assertEquals(2, published.size(), "59 s without traffic: no row rewritten");
    traffic(busy);
    clock.advance(1000);
    assertEquals(3, published.size());
    assertEquals(1, row(0x3009).row().encaps());
    assertEquals(0x3009, published.getLast().row().inboundSpi());
    clock.advance(10_000);
    assertEquals(3, published.size(), "no new packet, no new row");
    assertEquals(3600 - 71, remainingSecondsNow(0x3008), "the idle SA's row still tells its remaining lifetime");
    assertEquals(3600 - 71, remainingSecondsNow(0x3009));
    busy.ownershipGeneration++;
    clock.advance(1000);
    assertEquals(4, published.size(), "an ownership change (scale-out) rewrites the row under its new owner");
    assertEquals(0, idle.outbound().encaps());
  }
}
