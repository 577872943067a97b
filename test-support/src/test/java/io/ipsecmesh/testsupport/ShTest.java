package io.ipsecmesh.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commands with deadlines: exit status and merged output, a hung command killed, stdin closed. */
class ShTest {

  @Test
  void runReturnsTheExitStatusAndTheOutputOfBothStreams() {
    Sh.Result r = Sh.run(10, "sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, r.exit());
    assertFalse(r.ok());
    assertTrue(r.output().contains("out") && r.output().contains("err"), r.output());
  }

  @Test
  void aCommandPastItsDeadlineIsKilledAndReported() {
    Sh.Result r = Sh.run(1, "sleep", "30");
    assertEquals(-1, r.exit());
    assertTrue(r.output().startsWith("timed out"), r.output());
  }

  @Test
  void mustFailsWithTheCommandAndItsOutput() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Sh.must("sh", "-c", "echo nope; exit 1"));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void captureAddsTheEnvironmentAndGivesEndOfFileOnStdin() throws Exception {
    assertEquals("hello\n", Sh.capture(List.of("sh", "-c", "echo $GREETING"), Map.of("GREETING", "hello")));
    // a tool that reads stdin ends instead of hanging the test
    assertEquals("", Sh.capture("cat"));
  }

  @Test
  void inNsPrefixesIpNetnsExec() {
    assertEquals(List.of("ip", "netns", "exec", "gwa", "ping", "-c", "1"), Sh.inNs("gwa", "ping", "-c", "1"));
  }
}
