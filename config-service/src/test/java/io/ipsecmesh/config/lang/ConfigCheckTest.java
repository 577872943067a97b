package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check FILE…}: the exit status and the {@code FILE:LINE: message} lines an operator sees. */
class ConfigCheckTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(String... args) {
    return ConfigCheck.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  @Test
  void validFileExitsZero() throws IOException {
    String f = file("ok.cfg", "crypto isakmp keepalive 30 20 periodic\ncrypto isakmp nat keepalive 20\n");
    assertEquals(0, check(f));
    assertEquals(f + ": OK\n", out.toString(StandardCharsets.UTF_8));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void errorsAndWarningsGoToStderrAndExitOne() throws IOException {
    String f = file("bad.cfg", """
        service password-encryption
        crypto isakmp keepalive
        crypto ipsec transform-set basic esp-des esp-sha-hmac
        """);
    assertEquals(1, check(f));
    assertEquals(f + ":2: crypto isakmp keepalive: missing seconds (10-3600)\n"
        + f + ":3: esp-des is insecure (RFC 8221): use esp-gcm 256 or esp-aes 256 esp-sha256-hmac"
        + SeedExamplesTest.SHIELD + "\n"
        + f + ":1: warning: ignored (not part of the IPsec configuration): service password-encryption\n",
        err.toString(StandardCharsets.UTF_8));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void oneBadFileAmongSeveralFailsTheRun() throws IOException {
    String good = file("good.cfg", "crypto ipsec df-bit clear\n");
    String bad = file("bad.cfg", "crypto ipsec df-bit sometimes\n");
    assertEquals(1, check(good, bad));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains(good + ": OK"));
  }

  @Test
  void showPrintsTheRunningConfig() throws IOException {
    String f = file("map.cfg", "crypto map green 1 ipsec-isakmp\nset peer 10.0.0.1\nset peer 10.0.0.2\n");
    assertEquals(0, check("--show", f));
    assertEquals("""
        crypto map green 1 ipsec-isakmp
         set peer 10.0.0.1
         set peer 10.0.0.2
        !
        end
        """, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void missingFileAndNoArgumentsExitOne() {
    assertEquals(1, check(dir.resolve("absent.cfg").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("absent.cfg:0: cannot read"));
    err.reset();
    assertEquals(1, check());
    assertEquals("usage: config check [--show] FILE...\n", err.toString(StandardCharsets.UTF_8));
  }
}
