package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IKE on the UDP-encapsulation port reaches ike-service ({@code ike.punt}) within a rate per source address
 * and one over all sources; the rest is counted and dropped. The packet thread's clock is replaced: no test
 * waits.
 */
class PuntRateLimitTest {

  private final long[] now = {5_000_000_000L};
  private TestGateway gw;

  @BeforeEach
  void setUp() {
    gw = new TestGateway();
    gw.plane.inbound().nanoClock = () -> now[0];
    gw.plane.inbound().puntRateLimiter(new PuntRateLimiter(10, 25));
  }

  private void ike(String source) {
    byte[] m = new byte[40];
    m[17] = 0x20;
    gw.plane.inbound().onIke(m, new InetSocketAddress(source, 4500), null);
  }

  private PuntRateLimiter limiter() {
    return gw.plane.inbound().puntRateLimiter();
  }

  @Test
  void aFloodFromOneSourceGetsItsRateAndEveryDropIsCounted() {
    for (int i = 0; i < 1000; i++) {
      ike("198.51.100.66");
    }
    assertEquals(10, gw.punted.size(), "one second's burst");
    assertEquals(990, limiter().droppedPerSource());
    assertEquals(10, gw.plane.stats().ikePunted(), "ikePunted counts what went up only");
    now[0] += 100_000_000L; // a tenth of a second: one more datagram's worth at 10 a second
    ike("198.51.100.66");
    ike("198.51.100.66");
    assertEquals(11, gw.punted.size());
    assertEquals(991, limiter().droppedPerSource());
  }

  @Test
  void aFloodingSourceDoesNotSilenceAPeer() {
    for (int i = 0; i < 1000; i++) {
      ike("198.51.100.66");
    }
    ike("172.31.255.2");
    assertEquals(11, gw.punted.size(), "the peer's message went up");
  }

  @Test
  void manySourcesTogetherMeetTheGlobalCap() {
    for (int i = 1; i <= 60; i++) {
      ike("203.0.113." + i);
    }
    assertEquals(25, gw.punted.size());
    assertEquals(35, limiter().droppedGlobal());
    assertEquals(0, limiter().droppedPerSource());
    now[0] += 1_000_000_000L;
    for (int i = 61; i <= 100; i++) {
      ike("203.0.113." + i);
    }
    assertEquals(50, gw.punted.size(), "a second later the global bucket is full again");
  }

  @Test
  void defaultsAndBadRatesAreRefused() {
    TestGateway fresh = new TestGateway();
    assertEquals(0, fresh.plane.inbound().puntRateLimiter().droppedPerSource());
    assertThrows(IllegalArgumentException.class, () -> new PuntRateLimiter(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new PuntRateLimiter(10, 0));
  }
}
