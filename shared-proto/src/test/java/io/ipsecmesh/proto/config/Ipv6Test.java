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
