package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ESP for unknown SPIs is counted, always, but reaches the control plane ({@code fwd.invalid-spi}, the
 * {@code %CRYPTO-4-RECV_PKT_INV_SPI} line, and with {@code crypto isakmp invalid-spi-recovery} a notify)
 * at most once a second per source and ten times a second in all: the seed warns that recovery is a DoS
 * risk. The packet thread's clock is replaced, so no test waits.
 */
class InvalidSpiRateLimitTest {

  private final long[] now = {1_000_000_000L};
  private TestGateway gw;

  @BeforeEach
  void setUp() {
    gw = new TestGateway();
    gw.plane.inbound().nanoClock = () -> now[0];
  }

  private void esp(String source, int spi) {
    byte[] p = new byte[64];
    p[0] = (byte) (spi >>> 24);
    p[1] = (byte) (spi >>> 16);
    p[2] = (byte) (spi >>> 8);
    p[3] = (byte) spi;
    p[7] = 1;
    gw.receive(p, new InetSocketAddress(source, 4500));
  }

  /** The signals that reached the control plane since the last call: {spi, source} each. */
  private List<String> signals() {
    List<String> out = new ArrayList<>();
    gw.plane.invalidSpis().drain(r -> out.add(Long.toHexString(r[0]) + "@" + io.ipsecmesh.esp.spd.Ip128.format(r[1], r[2])));
    return out;
  }

  @Test
  void aFloodFromOneSourceIsOneSignalASecondAndEveryPacketIsCounted() {
    for (int i = 0; i < 5000; i++) {
      esp("172.31.255.1", 0x7000_0000 + i);
    }
    assertEquals(1, signals().size());
    assertEquals(5000, gw.plane.stats().invalidSpi(), "counted, every one");
    now[0] += 999_999_999L;
    esp("172.31.255.1", 0x100);
    assertEquals(0, signals().size());
    now[0] += 1;
    esp("172.31.255.1", 0x101);
    assertEquals(List.of("101@172.31.255.1"), signals(), "a second later the source is heard again");
  }

  @Test
  void aFloodingSourceDoesNotSilenceAPeerThatReallyLostItsSa() {
    for (int i = 0; i < 5000; i++) {
      esp("198.51.100.66", 0x7000_0000 + i);
    }
    esp("172.31.255.2", 0x249C5062);
    List<String> s = signals();
    assertEquals(2, s.size());
    assertEquals("249c5062@172.31.255.2", s.get(1));
  }

  @Test
  void atMostTenSignalsASecondFromAllSourcesTogether() {
    for (int i = 1; i <= 50; i++) {
      esp("203.0.113." + i, 0x4000 + i);
    }
    assertEquals(10, signals().size());
    now[0] += 1_000_000_000L;
    for (int i = 11; i <= 50; i++) {
      esp("203.0.113." + i, 0x4000 + i);
    }
    assertEquals(10, signals().size(), "the next second: ten more");
    assertEquals(90, gw.plane.stats().invalidSpi());
  }
}
