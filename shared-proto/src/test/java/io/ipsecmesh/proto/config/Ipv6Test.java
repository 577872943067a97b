package io.ipsecmesh.proto.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** IPv6 text: RFC 4291 §2.2 forms in, RFC 5952 §4 text out, prefixes, and no resolver for anything else. */
class Ipv6Test {

  @Test
  void canonicalTextIsRfc5952() {
    assertEquals("2001:db8::1", Ipv6.canonical("2001:0DB8:0000:0000:0000:0000:0000:0001"), "§4.1, §4.2.1, §4.3");
    assertEquals("2001:db8:0:1:1:1:1:1", Ipv6.canonical("2001:db8:0:1:1:1:1:1"), "§4.2.2: one zero group stays");
    assertEquals("2001:0:0:1::1", Ipv6.canonical("2001:0:0:1:0:0:0:1"), "§4.2.3: the longest run");
    assertEquals("2001:db8::1:0:0:1", Ipv6.canonical("2001:db8:0:0:1:0:0:1"), "§4.2.3: the first of equal runs");
    assertEquals("::", Ipv6.canonical("0:0:0:0:0:0:0:0"));
    assertEquals("::1", Ipv6.canonical("0::1"));
    assertEquals("fe80::", Ipv6.canonical("FE80::"));
    assertEquals("::ffff:c000:201", Ipv6.canonical("::ffff:192.0.2.1"), "the IPv4-embedded form (§2.2 3.)");
    assertEquals("2001:db8::c000:201", Ipv6.canonical("2001:db8::192.0.2.1"));
  }

  /** The examples of RFC 5952 §4, as the 128-bit halves the data plane reads from a packet. */
  @Test
  void theHalvesOfAnAddressAreWrittenAsRfc5952Section4Says() {
    // §4.1: leading zeros suppressed (2001:0db8::0001), a 0000 field is 0
    assertEquals("2001:db8::1", Ipv6.text(0x2001_0db8_0000_0000L, 0x0000_0000_0000_0001L));
    assertEquals("2001:db8:0:1:1:1:1:1", Ipv6.text(0x2001_0db8_0000_0001L, 0x0001_0001_0001_0001L), "§4.1, §4.2.2");
    // §4.2.1: :: used to its maximum capability (2001:db8:0:0:0:0:2:1; 2001:db8::0:1 is not acceptable)
    assertEquals("2001:db8::2:1", Ipv6.text(0x2001_0db8_0000_0000L, 0x0000_0000_0002_0001L));
    // §4.2.3: the longest run, and of equal runs the first
    assertEquals("2001:0:0:1::1", Ipv6.text(0x2001_0000_0000_0001L, 0x0000_0000_0000_0001L));
    assertEquals("2001:db8::1:0:0:1", Ipv6.text(0x2001_0db8_0000_0000L, 0x0001_0000_0000_0001L));
    // §4.3: lower case
    assertEquals("2001:db8::aaaa", Ipv6.text(0x2001_0db8_0000_0000L, 0x0000_0000_0000_aaaaL));
    // the edges: all zero, a run at either end, no zero at all
    assertEquals("::", Ipv6.text(0, 0));
    assertEquals("::1", Ipv6.text(0, 1));
    assertEquals("fe80::", Ipv6.text(0xfe80_0000_0000_0000L, 0));
    assertEquals("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Ipv6.text(-1L, -1L));
  }

  @Test
  void theTextOfBytesIsTheTextOfTheirHalves() {
    Random r = new Random(5952);
    for (int i = 0; i < 10_000; i++) {
      long hi = r.nextLong() & (r.nextBoolean() ? 0xffff_0000_ffff_0000L : -1L);
      long lo = r.nextLong() & (r.nextBoolean() ? 0x0000_0000_0000_ffffL : -1L);
      byte[] a = java.nio.ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
      assertEquals(Ipv6.text(hi, lo), Ipv6.text(a));
    }
  }

  @Test
  void malformedTextIsNoAddressAndNeverAName() {
    for (String bad : new String[] {null, "", ":", ":::", "1::2::3", "2001:db8::g", "12345::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::192.0.2.256", "192.0.2.1", "localhost", "2001:db8::1%eth0",
        "2001:db8::1/64", "1.2.3.4::", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:"}) {
      assertNull(Ipv6.parse(bad), bad);
      assertFalse(Ipv6.isAddress(bad), bad);
    }
    assertEquals(16, Ipv6.parse("1:2:3:4:5:6:7::").length, "seven groups and :: (one zero group) are eight");
  }

  @Test
  void prefixesClearTheHostBits() {
    assertEquals("2001:db8:1::", Ipv6.prefix("2001:DB8:1::77/64")[0]);
    assertEquals("64", Ipv6.prefix("2001:DB8:1::77/64")[1]);
    assertEquals("::", Ipv6.prefix("2001:db8::/0")[0]);
    assertEquals("2001:db8::1", Ipv6.prefix("2001:db8::1/128")[0]);
    for (String bad : new String[] {"2001:db8::/129", "2001:db8::/", "2001:db8::", "2001:db8::/-1", "2001:db8::/6a",
        "10.0.0.0/8", "/64", "2001:db8::/0064"}) {
      assertNull(Ipv6.prefix(bad), bad);
    }
    assertTrue(Ipv6.inPrefix("2001:db8:1::", 64, "2001:db8:1::ffff"));
    assertFalse(Ipv6.inPrefix("2001:db8:1::", 64, "2001:db8:2::1"));
    assertFalse(Ipv6.inPrefix("2001:db8:1::", 64, "10.0.0.1"), "another family never matches");
    assertEquals("2001:db8:1:0:ffff:ffff:ffff:ffff", Ipv6.text(Ipv6.last(Ipv6.parse("2001:db8:1::"), 64)));
  }

  @Test
  void textAndParseAreInverseOnRandomAddresses() {
    Random r = new Random(6);
    for (int i = 0; i < 10_000; i++) {
      byte[] a = new byte[16];
      r.nextBytes(a);
      for (int g = 0; g < 8; g++) {
        if (r.nextInt(3) == 0) {
          a[2 * g] = 0;
          a[2 * g + 1] = 0;
        }
      }
      String text = Ipv6.text(a);
      assertArrayEquals(a, Ipv6.parse(text), text);
      assertEquals(text, Ipv6.canonical(text.toUpperCase(java.util.Locale.ROOT)));
    }
  }
}
