package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ipsecmesh.proto.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of real configurations and random garbage lines: the parser only ever answers with
 * errors and warnings (never an exception, never an internal error), every diagnostic points at a line
 * of the input, the output stays bounded, and whatever it accepts renders to text that parses back to
 * the same model. Seeded, so a failure reproduces.
 *
 * <p>{@link #parse(byte[])} is the coverage-guided target (Jazzer) for the same properties: a normal build
 * replays its committed corpus ({@code ConfigFuzzTestInputs/parse/}, seeded with the seed documents'
 * example configurations and the modern gateway); {@code bench/src/main/scripts/fuzz-campaign.sh config
 * MINUTES} fuzzes it.
 */
class ConfigFuzzTest {

  /** A configuration file of any bytes (read as UTF-8, as {@code config check} and the API read it). */
  @FuzzTest
  void parse(byte[] file) {
    check("jazzer", new String(file, StandardCharsets.UTF_8));
  }

  /**
   * The parse-only target ({@code fuzz-campaign.sh config-parse}): the properties of {@link #parse} without the
   * render-and-parse-again round trip, run with inputs of at most 1 KiB (about 30 lines: every block and
   * cross-reference of the seeds fits), so a campaign reaches 10 million executions in under an hour of one core.
   * {@link #parse} stays for the round trip.
   */
  @FuzzTest
  void parseOnly(byte[] file) {
    String text = new String(file, StandardCharsets.UTF_8);
    diagnosticsAreBounded("jazzer", text, ConfigParser.parse("fuzz.cfg", text));
  }

  private static final String[] WORDS = {
      "crypto", "isakmp", "ipsec", "map", "set", "peer", "transform-set", "keepalive", "nat", "policy", "key",
      "address", "security-association", "replay", "window-size", "disable", "idle-time", "lifetime", "seconds",
      "kilobytes", "df-bit", "clear", "copy", "esp-gcm", "esp-aes", "256", "esp-sha-hmac", "ikev2", "profile",
      "dpd", "on-demand", "periodic", "interface", "ip", "mtu", "access-list", "permit", "deny", "any", "host",
      "eq", "range", "session-key", "inbound", "esp", "cipher", "!", "exit", "end", "0", "-1", "65536",
      "4294967296", "99999999999999999999", "10.0.0.1", "255.255.255.0", "300.1.1.1", "ezvpn", "client",
      "group", "mode", "tunnel", "match", "pfs", "group14", "keyring", "pre-shared-key", "proposal", ""};

  private final Random random = new Random(0x1BADC0DEL);

  private List<String> corpus() {
    List<String> texts = new ArrayList<>();
    SeedExamples.ALL.forEach(n -> texts.add(SeedExamples.text(n)));
    texts.add(ModernGateway.TEXT);
    return texts;
  }

  @Test
  void mutatedConfigurationsOnlyEverGiveReportedErrors() {
    List<String> corpus = corpus();
    for (int round = 0; round < 1500; round++) {
      String original = corpus.get(random.nextInt(corpus.size()));
      List<String> lines = new ArrayList<>(Arrays.asList(original.split("\n", -1)));
      int mutations = 1 + random.nextInt(6);
      for (int m = 0; m < mutations; m++) {
        mutate(lines);
      }
      check("round " + round, String.join("\n", lines));
    }
  }

  @Test
  void garbageOnlyEverGivesReportedErrors() {
    for (int round = 0; round < 300; round++) {
      String text = IntStream.range(0, 1 + random.nextInt(40))
          .mapToObj(i -> random.nextBoolean() ? randomWords() : randomChars())
          .collect(Collectors.joining(random.nextBoolean() ? "\n" : "\r\n"));
      check("garbage " + round, text);
    }
  }

  @Test
  void hugeInputStaysBounded() {
    String text = "crypto isakmp keepalive 1\n".repeat(5000) + "x".repeat(100_000);
    ParseResult r = ConfigParser.parse("huge.cfg", text);
    assertEquals(Diagnostics.MAX_PER_KIND + 1, r.errors().size());
    assertEquals("huge.cfg:5001: 4500 more errors not shown", r.errors().getLast().toString());
    assertTrue(r.warnings().getFirst().message().length() < 200);
  }

  private void check(String label, String text) {
    ParseResult r = ConfigParser.parse("fuzz.cfg", text);
    diagnosticsAreBounded(label, text, r);
    if (r.config() != null) {
      GatewayConfig c = r.config();
      ParseResult again = ConfigParser.parse("running-config", c.render());
      assertEquals(List.of(), again.errors(), () -> label + "\n" + text + "\n--- rendered:\n" + c.render());
      assertEquals(c, again.config(), () -> label + "\n" + text + "\n--- rendered:\n" + c.render());
    }
  }

  /** Never an internal error; every diagnostic on a line of the input and short; at most 200 + 1 of each kind. */
  private static void diagnosticsAreBounded(String label, String text, ParseResult r) {
    int lines = Lines.split(text).length;
    for (ConfigError e : concat(r.errors(), r.warnings())) {
      assertFalse(e.message().startsWith("internal error"), () -> label + ": " + e + "\n" + text);
      assertTrue(e.line() >= 1 && e.line() <= lines, () -> label + ": line out of the input: " + e);
      assertTrue(e.message().length() < 400, () -> label + ": message too long: " + e);
    }
    assertTrue(r.errors().size() <= Diagnostics.MAX_PER_KIND + 1);
    assertTrue(r.warnings().size() <= Diagnostics.MAX_PER_KIND + 1);
    assertEquals(r.errors().isEmpty(), r.config() != null, label);
  }

  private static List<ConfigError> concat(List<ConfigError> a, List<ConfigError> b) {
    List<ConfigError> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private void mutate(List<String> lines) {
    if (lines.isEmpty()) {
      lines.add(randomWords());
      return;
    }
    int i = random.nextInt(lines.size());
    String line = lines.get(i);
    List<String> words = new ArrayList<>(Arrays.asList(line.split(" ", -1)));
    switch (random.nextInt(9)) {
      case 0 -> lines.remove(i);
      case 1 -> lines.add(i, line);
      case 2 -> lines.add(i, random.nextBoolean() ? randomWords() : randomChars());
      case 3 -> {
        words.set(random.nextInt(words.size()), WORDS[random.nextInt(WORDS.length)]);
        lines.set(i, String.join(" ", words));
      }
      case 4 -> {
        words.remove(random.nextInt(words.size()));
        lines.set(i, String.join(" ", words));
      }
      case 5 -> lines.set(i, line.substring(0, random.nextInt(line.length() + 1)));
      case 6 -> lines.set(i, " ".repeat(random.nextInt(4)) + line.strip());
      case 7 -> {
        int j = random.nextInt(lines.size());
        lines.set(i, lines.get(j));
        lines.set(j, line);
      }
      default -> {
        words.add(random.nextInt(words.size() + 1), String.valueOf(random.nextLong()));
        lines.set(i, String.join(" ", words));
      }
    }
  }

  private String randomWords() {
    return " ".repeat(random.nextInt(3)) + IntStream.range(0, 1 + random.nextInt(8))
        .mapToObj(i -> WORDS[random.nextInt(WORDS.length)])
        .collect(Collectors.joining(" "));
  }

  private String randomChars() {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(120);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(10);
      b.appendCodePoint(kind < 6 ? 32 + random.nextInt(95) : kind < 8 ? random.nextInt(32) : 0x80 + random.nextInt(0x2000));
    }
    return b.toString();
  }
}
