package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Capture;
import io.ipsecmesh.testsupport.Sh;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Table 2 of seed 003 on the wire: a 1400-byte ping from LAN A towards gateway A's {@code ip mtu
 * 1200} (wan0 link MTU 1200 too), for every row, observed in captures on A's wan0 and on the LAN
 * host: fragmentation before encryption (two ESP packets within the MTU, no outer fragments, the
 * ping answered), after encryption (outer IP fragments, reassembled by B's kernel before its
 * forwarder decrypts, the ping answered), or a drop (no ESP, ICMP fragmentation-needed with MTU 1118
 * at the LAN host). Gateway B answers with df-bit clear + before-encryption so every reply returns.
 */
class PreFragNetnsTest extends DfBitNetnsTopology {

  /** What 1200 bytes of outer IPv4 + UDP + ESP (manual keys: AES-256-CBC + HMAC-SHA-256-128) carry. */
  static final int INNER_MTU = 1118;

  @Override
  String kind() {
    return "pf";
  }

  /**
   * veth hands a UDP GSO batch to tcpdump unsegmented; with one segment per GSO packet the kernel
   * segments before the device, so the capture shows the datagrams a real NIC would send.
   */
  @Override
  void beforeForwarders() {
    Sh.must("ip", "-n", gwa, "link", "set", "wan0", "gso_max_segs", "1");
  }

  @BeforeAll
  void replies() throws Exception {
    policy(false, "CLEAR", "BEFORE_ENCRYPTION", WAN_MTU);
  }

  private static String first(String field) {
    int comma = field.indexOf(',');
    return comma < 0 ? field : field.substring(0, comma);
  }

  @ParameterizedTest(name = "pre-fragmentation {0}, df-bit {1}, inner DF {2}: {3}")
  @CsvSource({
      "ENABLED, CLEAR, 0, BEFORE",
      "ENABLED, CLEAR, 1, BEFORE",
      "DISABLED, CLEAR, 0, AFTER",
      "DISABLED, CLEAR, 1, AFTER",
      "ENABLED, SET, 0, BEFORE",
      "ENABLED, SET, 1, DROP",
      "DISABLED, SET, 0, AFTER",
      "DISABLED, SET, 1, DROP",
      "ENABLED, COPY, 0, BEFORE",
      "ENABLED, COPY, 1, DROP",
      "DISABLED, COPY, 0, AFTER",
      "DISABLED, COPY, 1, DROP"})
  void row(String preFrag, String df, int innerDf, String expected) throws Exception {
    policy(true, df, preFrag.equals("ENABLED") ? "BEFORE_ENCRYPTION" : "AFTER_ENCRYPTION", WAN_MTU);
    // forget the path MTU an earlier row's ICMP taught the LAN host
    Sh.must("ip", "-n", lana, "route", "del", "default");
    Sh.must("ip", "-n", lana, "route", "add", "default", "via", "10.93.1.1");
    String before = statsA();
    List<String[]> wire;
    List<String[]> icmp;
    Sh.Result ping;
    try (Capture wan = capture(gwa, "wan0", "udp port 4500 or (ip[6:2] & 0x1fff != 0)");
        Capture lan = capture(lana, "eth0", "icmp")) {
      ping = ping(1372, innerDf == 1);
      wire = wan.rows("ip.src", "ip.len", "ip.flags.mf", "ip.frag_offset", "udp.dstport").stream()
          .filter(f -> f[0].equals(WAN_A)).toList();
      icmp = lan.rows("ip.src", "icmp.type", "icmp.code", "icmp.mtu");
    }
    String after = statsA();
    String seen = wire.stream().map(f -> "len=" + f[1] + " mf=" + f[2] + " off=" + f[3]).toList().toString();
    System.out.printf("pre-fragmentation %s, df-bit %s, inner DF %d -> %s: outer packets from A %s; %s%n",
        preFrag.toLowerCase(), df.toLowerCase(), innerDf, expected, seen, after);
    switch (expected) {
      case "BEFORE" -> {
        assertTrue(ping.ok(), "answered: " + ping.output());
        assertEquals(2, wire.size(), "two ESP packets: " + seen);
        for (String[] f : wire) {
          assertTrue(Integer.parseInt(f[1]) <= WAN_MTU, "within the MTU: " + seen);
          assertFalse(DfBitNetnsTest.flag(f[2]), "no outer fragments: " + seen);
        }
        assertTrue(Math.abs(Integer.parseInt(wire.get(0)[1]) - Integer.parseInt(wire.get(1)[1])) <= 16,
            "equal-sized: " + seen);
        assertEquals(1, DfBitNetnsTopology.stat(after, "before") - DfBitNetnsTopology.stat(before, "before"));
      }
      case "AFTER" -> {
        assertTrue(ping.ok(), "answered: " + ping.output());
        assertTrue(wire.stream().anyMatch(f -> DfBitNetnsTest.flag(f[2])), "a first fragment (MF): " + seen);
        assertTrue(wire.stream().anyMatch(f -> !f[3].isEmpty() && Integer.parseInt(f[3]) > 0),
            "a later fragment: " + seen);
        assertEquals(1, DfBitNetnsTopology.stat(after, "after") - DfBitNetnsTopology.stat(before, "after"));
      }
      default -> {
        assertFalse(ping.ok(), "dropped: " + ping.output());
        assertTrue(wire.isEmpty(), "no ESP from A: " + seen);
        // tshark lists the outer value first, then the quoted packet's (e.g. "3,8" for icmp.type)
        assertTrue(icmp.stream().anyMatch(f -> first(f[0]).equals("10.93.1.1") && first(f[1]).equals("3")
            && first(f[2]).equals("4") && first(f[3]).equals(Integer.toString(INNER_MTU))), "ICMP fragmentation needed, mtu " + INNER_MTU + ", from the gateway: "
            + icmp.stream().map(List::of).toList());
        assertEquals(1, DfBitNetnsTopology.stat(after, "dfDrops") - DfBitNetnsTopology.stat(before, "dfDrops"));
      }
    }
  }
}
