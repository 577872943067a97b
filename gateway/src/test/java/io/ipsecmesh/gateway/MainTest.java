package io.ipsecmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8));
  }

  @Test
  void configCheckPrintsEveryErrorAsFileLineMessageAndFailsOnlyOnErrors() throws Exception {
    Path good = dir.resolve("good.cfg");
    Files.writeString(good, DefaultConfig.text());
    Path bad = dir.resolve("bad.cfg");
    Files.writeString(bad, "crypto isakmp keepalive 5\ncrypto ipsec transform-set t esp-des esp-md5-hmac\n");
    assertEquals(0, run("config", "check", good.toString()));
    assertEquals(good + ": OK\n", out.toString(StandardCharsets.UTF_8));
    assertEquals(1, run("config", "check", good.toString(), bad.toString()));
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains(bad + ":1: crypto isakmp keepalive: seconds must be 10-3600, got 5\n"), e);
    assertTrue(e.contains(bad + ":2: esp-des is insecure"), e);
    assertTrue(e.contains(bad + ":2: esp-md5-hmac is insecure"), e);
  }

  @Test
  void theEmbeddedDefaultConfigurationIsValidWithoutWarnings() throws Exception {
    Path f = dir.resolve("default.cfg");
    Files.writeString(f, DefaultConfig.text());
    assertEquals(0, run("config", "check", f.toString()));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void execWithoutARunningGatewaySaysSoAndExits2() {
    assertEquals(2, run("exec", "--api-file", dir.resolve("none.json").toString(), "show", "crypto", "isakmp", "sa"));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("ipsec-mesh: no running gateway found: "), err.toString());
  }

  @Test
  void execAgainstAStaleApiFileExits2() throws Exception {
    Path api = dir.resolve("api.json");
    // port 1 on loopback: nothing listens there, the connection is refused at once
    Files.writeString(api, "{\"url\": \"http://127.0.0.1:1\", \"token\": \"x\"}");
    assertEquals(2, run("exec", "--api-file", api.toString(), "show crypto session"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is it running?"), err.toString());
  }

  @Test
  void unknownCommandAndNoCommandPrintUsage() {
    assertEquals(64, run());
    assertEquals(64, run("frobnicate"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: ipsec-mesh COMMAND"));
  }

  @Test
  void missingVerticlesAreReportedNotFatal() {
    ServiceCatalog.Resolved r = ServiceCatalog.resolve(
        java.util.List.of("io.ipsecmesh.config.ConfigVerticle", "io.ipsecmesh.nowhere.GhostVerticle"),
        MainTest.class.getClassLoader());
    assertEquals(java.util.List.of("io.ipsecmesh.config.ConfigVerticle"), r.presentNames());
    assertEquals(java.util.List.of("io.ipsecmesh.nowhere.GhostVerticle"), r.missing());
  }
}
