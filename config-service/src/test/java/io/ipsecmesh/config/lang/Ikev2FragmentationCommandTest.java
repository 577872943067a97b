package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Fragmentation;
import org.junit.jupiter.api.Test;

/**
 * {@code crypto ikev2 fragmentation [mtu 68-1500]} (Cisco's IKEv2 configuration guide, "Configuring Advanced
 * Properties for IKEv2"; RFC 7383): off unless configured, the MTU per address family by default (576 IPv4, 1280
 * IPv6, RFC 7383 §2.5.1), and the running-config text parses back to the same model.
 */
class Ikev2FragmentationCommandTest {

  private static GatewayConfig parse(String text) {
    ParseResult r = ConfigParser.parse("router.cfg", text);
    assertEquals(java.util.List.of(), r.errors());
    return r.config();
  }

  @Test
  void offUnlessConfigured() {
    assertNull(parse("crypto ikev2 dpd 10 2 on-demand\n").ikev2Fragmentation());
  }

  @Test
  void withoutMtuTheRfcDefaultsPerAddressFamily() {
    Ikev2Fragmentation f = parse("crypto ikev2 fragmentation\n").ikev2Fragmentation();
    assertEquals(new Ikev2Fragmentation(null), f);
    assertEquals(576, f.mtuFor(false));
    assertEquals(1280, f.mtuFor(true));
  }

  @Test
  void anMtuAppliesToBothFamilies() {
    Ikev2Fragmentation f = parse("crypto ikev2 fragmentation mtu 1280\n").ikev2Fragmentation();
    assertEquals(1280, f.mtuFor(false));
    assertEquals(1280, f.mtuFor(true));
  }

  @Test
  void theRunningConfigParsesBackToTheSameModel() {
    for (String line : new String[] {"crypto ikev2 fragmentation", "crypto ikev2 fragmentation mtu 68",
        "crypto ikev2 fragmentation mtu 1500"}) {
      GatewayConfig c = parse(line + "\n");
      String text = c.render();
      assertTrue(text.contains(line + "\n"), text);
      assertEquals(c, parse(text));
    }
  }
}
