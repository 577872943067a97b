package io.ipsecmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's story end to end (three gateway JVMs on 127.0.0.1-3, no root): tunnel up, counters, B dead
 * within the DPD bound, failover to C with traffic through it.
 */
class DemoStoryTest {

  @TempDir
  Path dir;

  @Test
  @Timeout(240)
  void tunnelThenDpdDeclaresTheSilentHubDeadAndTrafficFailsOverToTheBackup() throws Exception {
    ByteArrayOutputStream narration = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(narration, true, StandardCharsets.UTF_8);
    DemoStory story = new DemoStory(out, dir);
    DemoStory.Milestones m;
    try {
      m = story.run();
    } finally {
      story.sites().forEach(DemoSite::stop);
      System.out.print(narration.toString(StandardCharsets.UTF_8));
    }
    String text = narration.toString(StandardCharsets.UTF_8);

    assertEquals(5, m.roundTripsViaB(), text);
    assertTrue(m.encapsViaB() >= 5 && m.decapsViaB() >= 5, "A's counters with B: " + m);
    assertTrue(text.contains("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 127.0.0.2:4500"), text);

    // five unanswered R-U-THEREs 2 s apart come before the verdict, and it comes within 10 + 5 x 2 (+3 for the machine) s
    assertTrue(m.deadAfterSeconds() >= 5 * DemoStory.DPD_RETRY, "dead too early: " + m);
    assertTrue(m.deadAfterSeconds() <= DemoStory.DEAD_BOUND_SECONDS, "dead too late: " + m);
    assertTrue(text.contains("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer 127.0.0.2:4500"), text);
    assertTrue(text.contains("Retransmitting DPD/liveness query to 127.0.0.2, retransmission 4"), text);

    assertEquals(5, m.roundTripsViaC(), text);
    assertTrue(m.encapsViaC() >= 5 && m.decapsViaC() >= 5, "A's counters with C: " + m);
    assertTrue(text.contains("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 127.0.0.3:4500"), text);
    assertTrue(Pattern.compile("127\\.0\\.0\\.3\\s+127\\.0\\.0\\.1\\s+READY").matcher(text).find(), text);
    assertTrue(text.contains("current_peer: 127.0.0.3:4500"), text);
    // after the failover C is the crypto map's peer: traffic in the gap must not restart IKE with dead B
    String afterFailover = text.substring(text.indexOf("hub B declared dead"));
    assertFalse(Pattern.compile("127\\.0\\.0\\.2\\s+127\\.0\\.0\\.1\\s+[A-Z-]+\\s+\\d+").matcher(afterFailover).find(),
        afterFailover);
    assertFalse(afterFailover.contains("Peer: 127.0.0.2"), afterFailover);
  }
}
