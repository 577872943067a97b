package io.ipsecmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.config.lang.ParseResult;
import io.ipsecmesh.esp.access.ClearTextRuleset;
import io.ipsecmesh.esp.iface.InterfaceMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ipsec-mesh run} on its embedded default: its IOS interfaces reach the forwarder with a host
 * interface each, so the crypto access check's nftables table is valid on a plain Linux host (before,
 * {@code iifname "GigabitEthernet0/0"} made nft refuse it: "String exceeds maximum length of 16").
 */
class DefaultConfigInterfacesTest {

  private static final Pattern IIFNAME = Pattern.compile("iifname \"([^\"]*)\"");

  @Test
  void everyCryptoMapInterfaceOfTheDefaultHasAHostInterface() {
    ParseResult r = ConfigParser.parse(DefaultConfig.RESOURCE, DefaultConfig.text());
    assertTrue(r.ok(), r.errors().toString());
    InterfaceMap map = InterfaceMap.parse(DefaultConfig.INTERFACE_MAP);
    assertEquals(List.of(), map.problems(r.config()));
    assertEquals(List.of("interface GigabitEthernet0/0 (crypto map vpnmap) is no host interface: IOS interface "
            + "names are not Linux names; map it with the forwarder option --interfaceMap "
            + "GigabitEthernet0/0=HOST-INTERFACE (e.g. eth0)"),
        InterfaceMap.IDENTITY.problems(r.config()), "without the mapping the forwarder refuses it");
    String rules = ClearTextRuleset.of(r.config(), map).text();
    Matcher m = IIFNAME.matcher(rules);
    assertTrue(m.find(), rules);
    do {
      assertEquals("eth0", m.group(1), rules);
    } while (m.find());
  }

  @Test
  void nftAcceptsTheDefaultsAccessCheck() throws Exception {
    assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim().equals("0"),
        "nft -c needs root");
    ParseResult r = ConfigParser.parse(DefaultConfig.RESOURCE, DefaultConfig.text());
    String rules = ClearTextRuleset.of(r.config(), InterfaceMap.parse(DefaultConfig.INTERFACE_MAP)).text();
    assertFalse(rules.isEmpty());
    Process p = new ProcessBuilder("nft", "-c", "-f", "-").redirectErrorStream(true).start();
    p.getOutputStream().write(rules.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out + "\n" + rules);
  }
}
