package io.ipsecmesh.esp.df;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.frag.TunnelHarness;
import io.ipsecmesh.esp.frag.TunnelMtuPolicy;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code crypto ipsec df-bit clear|set|copy} decides the outer DF bit of every tunnel-mode packet,
 * {@code copy} per packet from the inner header, also when packets of both kinds share one batch.
 */
class OuterDfBitTest {

  @ParameterizedTest(name = "df-bit {0}, inner DF {1} -> outer DF {2}")
  @CsvSource({
      "CLEAR, false, false", "CLEAR, true, false",
      "SET, false, true", "SET, true, true",
      "COPY, false, false", "COPY, true, true"})
  void outerDfFollowsTheSetting(DfBit setting, boolean innerDf, boolean outerDf) throws Exception {
    TunnelHarness h = new TunnelHarness();
    h.policy(new TunnelMtuPolicy(setting, Fragmentation.BEFORE_ENCRYPTION, 1500));
    byte[] inner = TunnelHarness.inner(600, innerDf);
    List<TunnelHarness.Outer> sent = h.send(inner);
    assertEquals(1, sent.size());
    assertEquals(outerDf, sent.get(0).df());
    List<byte[]> got = h.receivedAtB();
    assertEquals(1, got.size());
    assertArrayEquals(inner, got.get(0), "the peer decrypts the packet unchanged");
  }

  @Test
  void copyFollowsEachPacketOfAMixedBatch() throws Exception {
    TunnelHarness h = new TunnelHarness();
    h.policy(new TunnelMtuPolicy(DfBit.COPY, Fragmentation.BEFORE_ENCRYPTION, 1500));
    boolean[] pattern = {true, true, false, true, false, false, true};
    for (boolean df : pattern) {
      h.feed(TunnelHarness.inner(300, df));
    }
    List<TunnelHarness.Outer> sent = h.endBatch();
    assertEquals(pattern.length, sent.size());
    for (int i = 0; i < pattern.length; i++) {
      assertEquals(pattern[i], sent.get(i).df(), "packet " + i);
    }
    // runs of one DF value share a batch (one sendmsg); the harness fails on a switch mid-batch
    assertEquals(5, sent.stream().mapToInt(TunnelHarness.Outer::batch).distinct().count());
    assertEquals(pattern.length, h.receivedAtB().size());
  }

  @Test
  void trafficOfOneDfValueSwitchesTheSocketOnce() {
    TunnelHarness h = new TunnelHarness();
    h.policy(new TunnelMtuPolicy(DfBit.COPY, Fragmentation.BEFORE_ENCRYPTION, 1500));
    for (int i = 0; i < 100; i++) {
      h.feed(TunnelHarness.inner(1000, true));
    }
    List<TunnelHarness.Outer> sent = h.endBatch();
    assertEquals(100, sent.size());
    assertEquals(1, h.aUdpSender().switches(), "the socket mode is set once, not per packet");
  }
}
