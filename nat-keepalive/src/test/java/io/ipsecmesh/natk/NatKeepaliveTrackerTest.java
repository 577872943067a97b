package io.ipsecmesh.natk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The NAT keepalive rules of seed 003 ("crypto isakmp nat keepalive 20") and RFC 3948 §2.3, in virtual
 * time. The gateway 10.1.1.1 sits behind a NAT; its peer 10.0.0.1 sees it on a mapped port.
 */
class NatKeepaliveTrackerTest {

  private static final Target PATH = new Target("10.1.1.1", 4500, "10.0.0.1", 4500);
  private static final Target OTHER = new Target("10.1.1.1", 4500, "10.0.0.2", 4500);
  private static final long SPI = 0xc0ffee01L;
  private static final long TICK = NatKeepaliveTracker.DEFAULT_TICK_MILLIS;

  private record Sent(long atMillis, List<Target> targets) {}

  private VirtualScheduler clock;
  private NatKeepaliveMetrics metrics;
  private final List<Sent> sent = new ArrayList<>();
  private NatKeepaliveTracker natk;

  @BeforeEach
  void setUp() {
    clock = new VirtualScheduler();
    metrics = NatKeepaliveMetrics.of(new PrometheusRegistry());
  }

  private void configure(Integer seconds, RandomGenerator random) {
    Optional<NatKeepaliveSettings> s = Optional.ofNullable(seconds).map(NatKeepaliveSettings::new);
    natk = new NatKeepaliveTracker(clock, s, random, b -> sent.add(new Sent(clock.nowMillis(), b)), metrics);
    natk.start();
  }

  private void at(double seconds) {
    clock.advanceTo(Math.round(seconds * 1000));
  }

  private List<Double> instantsFor(Target t) {
    return sent.stream().filter(s -> s.targets().contains(t)).map(s -> s.atMillis() / 1000.0).toList();
  }

  @Test
  void natKeepalive20_idlePath_keepaliveEvery20Seconds() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    at(65);
    assertEquals(List.of(20.0, 40.0, 60.0), instantsFor(PATH));
    assertEquals(3, metrics.keepalivesSent());
  }

  @Test
  void jitter_staysWithinFivePercentAndVaries() {
    configure(20, new SplittableRandom(3948));
    natk.childSaInstalled(SPI, PATH);
    at(20 * 200);
    List<Double> at = instantsFor(PATH);
    assertTrue(at.size() >= 190, "about one keepalive per 20 s: " + at.size());
    double previous = 0;
    double min = Double.MAX_VALUE;
    double max = 0;
    for (double t : at) {
      double interval = t - previous;
      min = Math.min(min, interval);
      max = Math.max(max, interval);
      previous = t;
    }
    assertTrue(min >= 19.0, "never earlier than 95 % of 20 s: " + min);
    assertTrue(max < 21.0 + TICK / 1000.0, "never later than 105 % of 20 s plus one tick: " + max);
    assertTrue(max - min > 1.0, "the jitter spreads keepalives: " + min + " .. " + max);
  }

  @Test
  void sameSeed_sameInstants() {
    configure(20, new SplittableRandom(7));
    natk.childSaInstalled(SPI, PATH);
    at(300);
    List<Double> first = instantsFor(PATH);
    sent.clear();
    clock = new VirtualScheduler();
    configure(20, new SplittableRandom(7));
    natk.childSaInstalled(SPI, PATH);
    at(300);
    assertEquals(first, instantsFor(PATH));
  }

  @Test
  void outboundTraffic_suppressesKeepalives() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    for (int s = 1; s <= 300; s++) {
      at(s);
      natk.activity(SPI, true, false);
    }
    assertTrue(sent.isEmpty());
    at(320);
    assertEquals(List.of(320.0), instantsFor(PATH), "20 s after the traffic stopped");
  }

  @Test
  void inboundTraffic_suppressesKeepalives() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    for (int s = 10; s <= 300; s += 10) {
      at(s);
      natk.activity(SPI, false, true);
    }
    at(319.9);
    assertTrue(sent.isEmpty());
    at(320);
    assertEquals(List.of(320.0), instantsFor(PATH));
  }

  @Test
  void changedInterval_appliesAtEachPathsNextKeepalive() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    at(5);
    natk.reconfigure(Optional.of(new NatKeepaliveSettings(60)));
    at(150);
    // The pending keepalive at 20 s keeps its instant; from then on every 60 s.
    assertEquals(List.of(20.0, 80.0, 140.0), instantsFor(PATH));
    natk.reconfigure(Optional.of(new NatKeepaliveSettings(10)));
    at(215);
    assertEquals(List.of(20.0, 80.0, 140.0, 200.0, 210.0), instantsFor(PATH));
  }

  @Test
  void keepaliveRemovedFromConfig_stopsAndResumesFromLastActivity() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    at(10);
    natk.reconfigure(Optional.empty());
    assertEquals(0, natk.armedTimers());
    at(100);
    assertTrue(sent.isEmpty());
    natk.reconfigure(Optional.of(new NatKeepaliveSettings(30)));
    at(131);
    // Idle since 0 s, so overdue: sent at the next tick, then every 30 s.
    assertEquals(List.of(100.1, 130.1), instantsFor(PATH));
  }

  @Test
  void notConfigured_noKeepalives() {
    configure(null, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    at(3600);
    assertTrue(sent.isEmpty());
    assertEquals(1, natk.mappings());
  }

  @Test
  void childSaDeleted_stopsItsKeepalives() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    at(25);
    natk.childSaDeleted(SPI);
    at(200);
    assertEquals(List.of(20.0), instantsFor(PATH));
    assertEquals(0, natk.mappings());
    assertEquals(0, natk.armedTimers());
    assertEquals(0.0, metrics.mappings());
  }

  @Test
  void childSasSharingOnePath_oneKeepaliveAndEitherSasTrafficCounts() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    natk.childSaInstalled(SPI + 1, PATH); // rekeyed or second Child SA to the same peer
    at(20);
    assertEquals(List.of(new Sent(20_000, List.of(PATH))), sent);
    at(30);
    natk.activity(SPI + 1, true, false);
    at(45);
    assertEquals(1, sent.size(), "traffic of the second SA kept the binding open");
    natk.childSaDeleted(SPI);
    at(50);
    assertEquals(List.of(20.0, 50.0), instantsFor(PATH), "the path lives on with its remaining SA");
  }

  @Test
  void keepalivesDueInTheSameTick_leaveAsOneBatch() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    natk.childSaInstalled(SPI + 7, OTHER);
    at(20);
    assertEquals(1, sent.size());
    assertEquals(2, sent.getFirst().targets().size());
    assertEquals(1, metrics.batches());
    assertEquals(2, metrics.keepalivesSent());
  }

  @Test
  void activityOfUnknownSa_isIgnored() {
    configure(20, NoJitter.INSTANCE);
    natk.childSaInstalled(SPI, PATH);
    at(10);
    natk.activity(0xdeadL, true, true);
    at(20);
    assertEquals(List.of(20.0), instantsFor(PATH));
  }

  @Test
  void intervalRange_isTheSeeds5To3600Seconds() {
    assertEquals(5, new NatKeepaliveSettings(5).seconds());
    assertEquals(3600, new NatKeepaliveSettings(3600).seconds());
    assertThrows(IllegalArgumentException.class, () -> new NatKeepaliveSettings(4));
    assertThrows(IllegalArgumentException.class, () -> new NatKeepaliveSettings(3601));
    assertEquals(1000, new NatKeepaliveSettings(20).maxJitterMillis());
  }
}
