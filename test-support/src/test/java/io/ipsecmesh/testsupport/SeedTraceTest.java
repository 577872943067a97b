package io.ipsecmesh.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The DPD chapter's debug trace as the tests of dpd-service and ike-service read it. */
class SeedTraceTest {

  @Test
  void theDpdSampleReadsAsTimestampedMessagesWithTheGuidesWrappingUndone() throws Exception {
    List<SeedTrace.Entry> trace = SeedTrace.read(SeedTrace.DPD_DEBUG);
    assertEquals("Mar 25 15:17:14.131", trace.get(0).time());
    assertEquals("ISAKMP:(0:1:HW:2):IKE_DPD is enabled, initializing timers", trace.get(0).text());
    assertTrue(trace.stream().noneMatch(e -> e.text().contains("  ") || e.text().contains("\n")));
    assertTrue(trace.stream().anyMatch(e -> e.text().contains("R_U_THERE")), "the sample's probes");
  }

  @Test
  void untaggedDropsTheSaTagOnly() {
    assertEquals("IKE_DPD is enabled, initializing timers",
        SeedTrace.untagged("ISAKMP:(0:1:HW:2):IKE_DPD is enabled, initializing timers"));
    assertEquals("no tag", SeedTrace.untagged("no tag"));
  }
}
