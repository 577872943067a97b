package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Two gateways with manual keys, ESP-in-UDP with computed UDP checksums ({@code --udpChecksum computed}): UDP GSO
 * batches out, UDP GRO in. Over the veth the kernel hands each GSO batch to the peer's socket whole, as one
 * coalesced datagram of up to 64 KiB; the forwarder reads it with {@code recvmsg}, which reports the segment size,
 * and opens each ESP packet of it on its own (ESP has no length field: cut at the wrong place, every packet of a
 * batch would fail its ICV and TCP would hardly move).
 */
class GsoGroNetnsTest extends TwoGatewayNetnsTest {

  private static final Pattern STATS = Pattern.compile("STATS \\S+ encaps=(\\d+) decaps=(\\d+) sendErrors=(\\d+)"
      + " recvErrors=(\\d+)");

  @Override
  String kind() {
    return "ug";
  }

  @Override
  List<String> forwarderProperties() {
    return List.of("-Desp.udpChecksum=computed", "-Desp.gro=true");
  }

  @Test
  @Order(3)
  void everyEspPacketOfACoalescedBatchIsOpened() throws Exception {
    // the STATS lines come once a second: wait (at most 5 s) until two more are printed, the last after the iperf3 run
    int seen = statsLines();
    for (int i = 0; i < 50 && statsLines() < seen + 2; i++) {
      Thread.sleep(100);
    }
    Matcher last = null;
    Matcher m = STATS.matcher(output("b"));
    while (m.find()) {
      last = STATS.matcher(m.group());
      assertTrue(last.matches());
    }
    assertNotNull(last, "no STATS line from gateway B: " + logs());
    long decaps = Long.parseLong(last.group(2));
    assertTrue(decaps > 1000, "gateway B opened only " + decaps + " ESP packets: " + last.group());
    assertEquals(0, Long.parseLong(last.group(4)), "ESP packets gateway B could not open: " + last.group());
  }

  private int statsLines() throws Exception {
    int n = 0;
    for (Matcher m = STATS.matcher(output("b")); m.find(); ) {
      n++;
    }
    return n;
  }
}
