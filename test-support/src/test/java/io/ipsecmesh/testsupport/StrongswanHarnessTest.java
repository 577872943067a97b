package io.ipsecmesh.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness's copies of its scripts (no root needed): every script executable, the profiles beside them, the
 * namespace names of a prefix, and nothing left behind by {@code close()} of a harness that built nothing.
 */
class StrongswanHarnessTest {

  @Test
  void theScriptsCopyHoldsExecutableScriptsTemplatesAndProfiles() {
    Path dir = StrongswanHarness.scripts();
    for (String s : new String[] {"common.sh", "netns-up.sh", "netns-down.sh", "charon-start.sh", "charon-stop.sh",
        "sw.sh"}) {
      assertTrue(Files.isExecutable(dir.resolve(s)), s);
    }
    assertTrue(Files.isRegularFile(dir.resolve("templates/swanctl.conf.in")));
    for (String p : new String[] {"ikev2-gcm", "ikev2-cbc", "ikev1-psk"}) {
      assertTrue(Files.isRegularFile(dir.resolve("profiles/" + p + ".env")), p);
    }
    assertEquals(dir, StrongswanHarness.scripts(), "one copy per JVM");
  }

  @Test
  void aPrefixNamesTheFiveNamespacesOfTheHarness() {
    assertEquals(Map.of("NS_A", "itgwa", "NS_B", "itgwb", "NS_LAN_A", "itlana", "NS_LAN_B", "itlanb", "NS_NAT",
        "itnat"), StrongswanHarness.namespaces("it"));
  }

  @Test
  void aHarnessIsATemporaryDirectoryThatCloseRemoves() throws Exception {
    StrongswanHarness h = StrongswanHarness.forPrefix("tst", "profiles/ikev1-psk.env");
    assertTrue(Files.isExecutable(h.dir().resolve("charon-start.sh")));
    assertTrue(Files.isRegularFile(h.dir().resolve("profiles/ikev1-psk.env")));
    assertTrue(Files.isDirectory(h.run()));
    assertEquals("tstgwb", h.ns("NS_B"));
    h.close(); // no netnsUp: no namespaces to remove, no script run
    assertFalse(Files.exists(h.dir()));
  }
}
