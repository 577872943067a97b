package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's "IPsec Security Association Idle Timers" chapter, on the forwarder's side, in virtual
 * time: "a security association expires after the first of these lifetimes is reached" (timed or
 * traffic-volume), and the idle timer "allows SAs associated with inactive peers to be deleted before
 * the global lifetime has expired".
 *
 * <p>The Child SAs carry the limits as ike-service derives them from the configuration (soft = 90 % of
 * hard, see {@code ChildSaLifetimeTest} in ike-service); the forwarder only reports: SOFT (ike-service
 * rekeys), HARD (ike-service deletes; the data plane stops using the SA at once), IDLE (ike-service
 * deletes). Its control work runs once a second, so every instant below is a whole second at which the
 * supervisor ticks; traffic is injected half a second before a tick.
 */
class SaIdleAndLifetimeTest {

  /** The IOS defaults, 3600 s and 4 608 000 KB, with the 90 % soft limits ike-service sets. */
  private static final ChildSa.Lifetime DEFAULT = new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000);
  /** {@code set security-association lifetime seconds 120} + {@code … kilobytes 2560} (the minima). */
  private static final ChildSa.Lifetime SHORT = new ChildSa.Lifetime(108, 120, 2304, 2560);
  /** 1000 bytes of UDP payload: 1028-byte inner packets. */
  private static final int PACKET = 1028;

  private final VirtualScheduler clock = new VirtualScheduler();
  private final List<Object> events = new ArrayList<>();
  private TestGateway gw;
  private SaSupervisor supervisor;
  /** The counters row last published and the virtual time it was published at. */
  private SaCounters counters;
  private long countersAtMillis;

  @BeforeEach
  void setUp() {
    gw = new TestGateway();
    gw.sad.setSpd(SecurityPolicyDatabase.build(ManualKeyConfigs.withMaps(
        List.of(new CryptoMapEntry("VPN", 1, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("172.31.250.2"),
            List.of("GCM"), null, null, "101", null, null, null)),
        List.of(new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
            new AddressMatch("10.91.11.0", "0.0.0.255"), null, new AddressMatch("10.91.12.0", "0.0.0.255"), null,
            null)))),
        "172.31.250.1")));
    supervisor = new SaSupervisor("fwd-1", gw.sad, gw.plane.acquires(), gw.plane.invalidSpis(), clock,
        new SaSupervisor.Sink() {
          public void acquire(FwdMessages.Acquire a) {}

          public void invalidSpi(FwdMessages.InvalidSpi i) {}

          public void expired(FwdMessages.SaExpired e) {
            events.add(e);
          }

          public void idle(FwdMessages.SaIdle i) {
            events.add(i);
          }

          public void activity(FwdMessages.ActivitySummary s) {}

          public void counters(List<SaCounters> c) {
            if (!c.isEmpty()) {
              counters = c.getLast();
              countersAtMillis = clock.nowMillis();
            }
          }

          public void log(String line) {}

          public void reserveSequences(SaPair pair) {}
        }, () -> "172.31.250.1");
    supervisor.start();
  }

  private SaPair install(long inSpi, ChildSa.Lifetime lifetime, int idleSeconds) {
    byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
    KeyWrap w = gw.wrap;
    ChildSa sa = new ChildSa("aa:bb", 7, "VPN", 1, inSpi, inSpi + 0x1000, EspTransform.AES_GCM_128,
        ChildSa.Mode.TUNNEL, true, false, 64, "172.31.250.1", 4500, "172.31.250.2", 4500,
        List.of(TrafficSelector.anyPorts("10.91.11.0", "10.91.11.255")),
        List.of(TrafficSelector.anyPorts("10.91.12.0", "10.91.12.255")), lifetime, idleSeconds, "copy", w.wrap(k),
        w.wrap(k), clock.nowMillis());
    SaPair p = gw.factory.build(sa, false, gw.sad.spd());
    supervisor.started(p);
    return gw.install(p);
  }

  /** {@code n} packets half a second before the tick at {@code second}; returns how many were encapsulated. */
  private long packetsAt(long second, int n, SaPair p) {
    clock.advanceTo(second * 1000 - 500);
    long before = p.outbound().encaps();
    for (int i = 0; i < n; i++) {
      gw.port.inject(Packets.udp4(new int[] {10, 91, 11, 1}, new int[] {10, 91, 12, 1}, 1, 2, PACKET - 28));
    }
    gw.sent.packets.clear();
    return p.outbound().encaps() - before;
  }

  private void at(long second) {
    clock.advanceTo(second * 1000);
  }

  private List<FwdMessages.SaIdle> idles() {
    return events.stream().filter(e -> e instanceof FwdMessages.SaIdle).map(e -> (FwdMessages.SaIdle) e).toList();
  }

  private List<FwdMessages.SaExpired> expiries() {
    return events.stream().filter(e -> e instanceof FwdMessages.SaExpired).map(e -> (FwdMessages.SaExpired) e)
        .toList();
  }

  private static FwdMessages.SaExpired expired(long inSpi, FwdMessages.Limit l, FwdMessages.Measure m) {
    return new FwdMessages.SaExpired(inSpi, inSpi + 0x1000, "172.31.250.2", l, m);
  }

  /**
   * {@code crypto ipsec security-association idle-time 600} with the default lifetime: a peer that
   * sends at least every 599 s keeps its SA; once it falls silent, the SA is reported idle 600 s after
   * its last packet — at 2397 s, long before the 3240 s soft lifetime — and only once.
   */
  @Test
  void idleTime600DropsTheSaOfASilentPeerBeforeItsLifetime() {
    SaPair p = install(0x5001, DEFAULT, 600);
    for (long t : new long[] {1, 600, 1199, 1798}) {
      assertEquals(1, packetsAt(t, 1, p));
    }
    at(2397);
    assertEquals(List.of(), idles(), "599.5 s after the last packet is not yet 600; gaps of 599 s never made it idle");
    at(2398);
    assertEquals(List.of(new FwdMessages.SaIdle(0x5001, 0x6001, "172.31.250.2")), idles());
    assertEquals(List.of(), expiries(), "idle came first: no lifetime event yet");
    at(3600);
    assertEquals(1, idles().size(), "reported once; ike-service deletes it");
  }

  /** Without an idle timer the seed's rule is "SAs are maintained until the global timers expire". */
  @Test
  void withoutIdleTimeASilentSaLivesUntilItsLifetime() {
    SaPair p = install(0x5002, DEFAULT, 0);
    packetsAt(1, 1, p);
    at(3239);
    assertEquals(List.of(), events);
    at(3240);
    assertEquals(List.of(expired(0x5002, FwdMessages.Limit.SOFT, FwdMessages.Measure.SECONDS)), events);
    assertEquals(360, counters.remainingSeconds() - (clock.nowMillis() - countersAtMillis) / 1000,
        "show crypto ipsec sa (the row, less its age): 360 s of key lifetime left");
    at(3599);
    assertFalse(p.hardExpired());
    at(3600);
    assertEquals(expired(0x5002, FwdMessages.Limit.HARD, FwdMessages.Measure.SECONDS), events.get(1));
    assertTrue(p.hardExpired());
    assertEquals(0, packetsAt(3601, 1, p), "the data plane no longer uses a hard-expired SA");
  }

  /** The idle timer never shortens a busy SA's life: the timed lifetime runs regardless of activity. */
  @Test
  void aBusySaStillExpiresOnTime() {
    SaPair p = install(0x5003, SHORT, 60);
    for (long t = 1; t <= 119; t += 10) {
      packetsAt(t, 1, p);
    }
    at(120);
    assertEquals(List.of(expired(0x5003, FwdMessages.Limit.SOFT, FwdMessages.Measure.SECONDS),
        expired(0x5003, FwdMessages.Limit.HARD, FwdMessages.Measure.SECONDS)), events);
  }

  /**
   * {@code set security-association lifetime seconds 120} and {@code kilobytes 2560}, light traffic:
   * time comes first (soft at 108 s, hard at 120 s) and volume never fires afterwards.
   */
  @Test
  void lightTrafficExpiresByTimeFirst() {
    SaPair p = install(0x5004, SHORT, 0);
    packetsAt(1, 100, p);
    at(107);
    assertEquals(List.of(), events);
    at(108);
    assertEquals(List.of(expired(0x5004, FwdMessages.Limit.SOFT, FwdMessages.Measure.SECONDS)), events);
    at(120);
    assertEquals(List.of(expired(0x5004, FwdMessages.Limit.SOFT, FwdMessages.Measure.SECONDS),
        expired(0x5004, FwdMessages.Limit.HARD, FwdMessages.Measure.SECONDS)), events);
    at(300);
    assertEquals(2, events.size(), "one hard expiry per SA");
  }

  /**
   * The same limits with steady traffic: volume comes first. 80 packets of 1028 bytes a second (80.3 KB); the
   * soft limit is 2304 KB (2296 packets: second 29), the hard one 2560 KB (2551 packets: second 32). At this rate
   * the hard limit is never within three rounds before the soft one, so the soft limit itself fires; the packet
   * that crosses the hard volume is the last one the SA carries, before the supervisor even ticks, and the timed
   * lifetime never fires afterwards.
   */
  @Test
  void steadyTrafficExpiresByVolumeFirst() {
    SaPair p = install(0x5005, SHORT, 0);
    for (long t = 1; t <= 28; t++) {
      assertEquals(80, packetsAt(t, 80, p));
      at(t);
    }
    assertEquals(List.of(), events, "2240 × 1028 bytes = 2248.75 KB < 2304 KB");
    packetsAt(29, 80, p);
    at(29);
    assertEquals(List.of(expired(0x5005, FwdMessages.Limit.SOFT, FwdMessages.Measure.KILOBYTES)), events);
    packetsAt(30, 80, p);
    packetsAt(31, 80, p);
    assertEquals(71, packetsAt(32, 80, p), "2551 packets reach 2560 KB; the 9 after them are refused");
    assertEquals(9, p.outbound().sendErrors());
    at(32);
    assertEquals(expired(0x5005, FwdMessages.Limit.HARD, FwdMessages.Measure.KILOBYTES), events.get(1));
    assertTrue(p.hardExpired());
    at(200);
    assertEquals(2, events.size(), "the timed lifetime of a dead SA stays silent");
  }

  /**
   * Heavy traffic rekeys before the soft limit: at a few Gbit/s the default 4608000 KB lasts about ten seconds and
   * its last 10 % about one round. Here 598 packets a second (600 KB): the soft limit (2304 KB) would be reached at
   * second 4 and the hard one (2560 KB) during second 5, too close for a rekey; after second 2 (1200 KB) the
   * traffic of one more round kept up three rounds (1800 KB) reaches the hard limit, so SOFT comes then.
   */
  @Test
  void heavyTrafficRekeysThreeRoundsAheadOfTheHardVolume() {
    SaPair p = install(0x5008, SHORT, 0);
    packetsAt(1, 598, p);
    at(1);
    assertEquals(List.of(), events, "600 KB + 3 × 600 KB = 2400 KB < 2560 KB");
    packetsAt(2, 598, p);
    at(2);
    assertEquals(List.of(new FwdMessages.SaExpired(0x5008, 0x6008, "172.31.250.2", FwdMessages.Limit.SOFT,
        FwdMessages.Measure.KILOBYTES)), events);
    packetsAt(3, 598, p);
    packetsAt(4, 598, p);
    at(4);
    assertEquals(1, events.size(), "one soft expiry: the soft limit itself, passed at second 4, adds none");
  }

  /**
   * Both ends of an SA count alike (the same creation instant, the same bytes), so without jitter both would ask for
   * its rekey in the same second (RFC 7296 §2.8.1). Each pair draws its own jitter: 0.5 brings the default soft
   * lifetime forward by a quarter of the 360 s margin, to 3150 s; the hard limit stays at 3600 s.
   */
  @Test
  void jitterBringsTheSoftLifetimeForwardByUpToHalfItsMargin() {
    supervisor.jitter(() -> 0.5);
    SaPair p = install(0x5009, DEFAULT, 0);
    packetsAt(1, 1, p);
    at(3149);
    assertEquals(List.of(), events);
    at(3150);
    assertEquals(List.of(expired(0x5009, FwdMessages.Limit.SOFT, FwdMessages.Measure.SECONDS)), events);
    at(3599);
    assertFalse(p.hardExpired());
    at(3600);
    assertTrue(p.hardExpired());
  }

  /**
   * Global {@code idle-time 1200} and {@code set security-association idle-time 600} on one crypto map:
   * each SA carries the value ike-service resolved for its map, and each goes idle on its own clock,
   * counted from its installation when it never carried a packet.
   */
  @Test
  void eachSaGoesIdleOnItsOwnTimer() {
    install(0x5006, DEFAULT, 600);
    SaPair global = install(0x5007, DEFAULT, 1200);
    at(599);
    assertEquals(List.of(), idles());
    at(600);
    assertEquals(List.of(0x5006L), idles().stream().map(FwdMessages.SaIdle::inboundSpi).toList());
    at(1199);
    assertEquals(1, idles().size());
    at(1200);
    assertEquals(List.of(0x5006L, 0x5007L), idles().stream().map(FwdMessages.SaIdle::inboundSpi).toList());
    assertFalse(global.hardExpired(), "idle is reported, not enforced: ike-service deletes the SA");
  }
}
