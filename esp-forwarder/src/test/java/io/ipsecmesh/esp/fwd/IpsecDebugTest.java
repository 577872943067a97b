package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.ipsecmesh.testsupport.LogMessages;
import org.junit.jupiter.api.Test;

/**
 * {@code debug crypto ipsec} lines compared with the seed's {@code show logging} sample (test resource
 * {@code seed-show-logging-invalid-spi.txt}: IOS XE IPsec Data Plane guide, "Invalid Security Parameter
 * Index Recovery", Step 4), for the seed's Router B (10.2.2.2) and its new ESP SA pair with Router A.
 * The seed's transform (esp-des, which we do not implement), its key size and its per-direction
 * conn_ids are replaced by ours; everything else is compared line for line.
 */
class IpsecDebugTest {

  private static final Pattern STAMP = Pattern.compile("\\*Mar \\d+ \\d\\d:\\d\\d:\\d\\d\\.\\d{3}: ");

  /** Router B's ESP SA pair of the seed: inbound E7AB4256, outbound D763771F. */
  private static ChildSa routerB() {
    return new ChildSa("0011223344556677:8899aabbccddeeff", 5123, "testtag1", 10, 0xE7AB4256L, 0xD763771FL,
        EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL, false, false, 64, "10.2.2.2", 500,
        "10.1.1.1", 500, List.of(TrafficSelector.anyPorts("10.0.2.2", "10.0.2.2")),
        List.of(TrafficSelector.anyPorts("10.0.0.1", "10.0.0.1")), new ChildSa.Lifetime(3240, 3600, 4_147_200,
        4_608_000), 0, "copy", new byte[0], new byte[0], 1_700_000_000_000L);
  }

  /** The seed's messages, each with its lines stripped of the guide's indentation. */
  private static List<String> seedMessages() throws Exception {
    String text;
    try (InputStream in = IpsecDebugTest.class.getResourceAsStream("/seed-show-logging-invalid-spi.txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder body = new StringBuilder();
    text.lines().filter(l -> !l.startsWith("#")).forEach(l -> body.append(l).append('\n'));
    List<String> out = new ArrayList<>();
    Matcher m = STAMP.matcher(body);
    int start = -1;
    while (m.find()) {
      if (start >= 0) {
        out.add(stripLines(body.substring(start, m.start())));
      }
      start = m.end();
    }
    out.add(stripLines(body.substring(start)));
    return out;
  }

  private static String stripLines(String s) {
    return String.join("\n", s.strip().lines().map(String::strip).toList());
  }

  private static String ours(String seed) {
    return seed.replace("esp-des esp-sha-hmac", EspTransform.AES_CBC_256_HMAC_SHA256_128.iosName)
        .replace("keysize= 0", "keysize= 256")
        .replace("939529223", "5123").replace("939529224", "5123");
  }

  @Test
  void installPrintsTheSeedsInitializeSasAndCreateSaLinesForBothDirections() throws Exception {
    List<String> seed = seedMessages();
    List<String> expected = seed.stream()
        .filter(s -> s.startsWith("IPSEC(initialize_sas)") && s.contains("protocol= ESP")
            || s.startsWith("IPSEC(create_sa)") && s.contains("sa_prot= 50"))
        .map(IpsecDebugTest::ours)
        .toList();
    assertEquals(4, expected.size(), "inbound and outbound initialize_sas, then create_sa for each");
    List<String> actual = IpsecDebug.installLines(routerB()).stream().map(IpsecDebugTest::stripLines).toList();
    assertEquals(expected, actual);
  }

  @Test
  void onlyWithDebugOnAndNeverKeyMaterial() {
    try (LogMessages capture = new LogMessages(IpsecDebug.class.getName())) {
      List<String> log = capture.messages();
      IpsecDebug debug = new IpsecDebug();
      debug.installed(routerB());
      debug.deleted(routerB(), "rekeyed");
      assertEquals(List.of(), log, "debug crypto ipsec is off by default");
      debug.set(true);
      debug.installed(routerB());
      debug.expired(routerB(), "hard", "seconds");
      debug.deleted(routerB(), null);
      assertEquals(4 + 1 + 2, log.size(), log.toString());
      assertTrue(log.get(4).startsWith("IPSEC(sa_expired): hard lifetime (seconds) reached,\n"), log.get(4));
      assertEquals("IPSEC(delete_sa): deleting SA,\n  (sa) sa_dest= 10.1.1.1, sa_prot= 50,\n"
          + "  sa_spi= 0xE7AB4256(3886760534),\n  sa_trans= esp-aes 256 esp-sha256-hmac , sa_conn_id= 5123", log.get(5));
      assertTrue(log.stream().noneMatch(l -> l.contains("key=")), "no keys in any line");
    }
  }

  @Test
  void proxiesAsIsakmpIdTypes() {
    assertEquals("10.0.2.2/0.0.0.0/0/0 (type=1)", IpsecDebug.proxy(List.of(TrafficSelector.anyPorts("10.0.2.2",
        "10.0.2.2"))));
    assertEquals("10.1.0.0/0.0.0.255/6/443 (type=4)", IpsecDebug.proxy(List.of(new TrafficSelector("10.1.0.0",
        "10.1.0.255", 6, 443, 443))));
    assertEquals("10.1.0.1-10.1.0.9/0/0 (type=7)", IpsecDebug.proxy(List.of(TrafficSelector.anyPorts("10.1.0.1",
        "10.1.0.9"))));
    assertEquals("2001:db8::/32/0/0 (type=8)", IpsecDebug.proxy(List.of(TrafficSelector.anyPorts("2001:db8::",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"))));
  }
}
