package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.sa.TrafficSelector;
import org.junit.jupiter.api.Test;

class IdentTest {

  @Test
  void prefixesPrintAsAddressAndNetmask() {
    assertEquals("(10.0.0.1/255.255.255.255/0/0)", Ident.of(TrafficSelector.anyPorts("10.0.0.1", "10.0.0.1")));
    assertEquals("(10.1.0.0/255.255.0.0/0/0)", Ident.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.255.255")));
    assertEquals("(0.0.0.0/0.0.0.0/0/0)", Ident.of(TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255")));
    assertEquals("(2001:DB8::/32/0/0)", Ident.of(TrafficSelector.anyPorts("2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
  }

  @Test
  void aSinglePortAndProtocolArePrintedAPortRangeIsAny() {
    assertEquals("(10.1.1.1/255.255.255.255/6/443)", Ident.of(new TrafficSelector("10.1.1.1", "10.1.1.1", 6, 443, 443)));
    assertEquals("(10.1.1.1/255.255.255.255/17/0)", Ident.of(new TrafficSelector("10.1.1.1", "10.1.1.1", 17, 1000, 2000)));
  }

  @Test
  void aRangeThatIsNoPrefixPrintsAsFirstLastAndNamesAreNeverResolved() {
    assertEquals("(10.0.0.1-10.0.0.9/0/0)", Ident.of(TrafficSelector.anyPorts("10.0.0.1", "10.0.0.9")));
    assertEquals("(gateway.example/?/0/0)", Ident.of(TrafficSelector.anyPorts("gateway.example", "gateway.example")));
  }

  @Test
  void onlyADottedQuadTakesTheIpv4ShortCut() {
    assertEquals(0x0A000001L, Ident.ipv4("10.0.0.1"));
    assertEquals(0xFFFFFFFFL, Ident.ipv4("255.255.255.255"));
    for (String notOne : new String[] {"256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "a.b.c.d",
        "2001:db8::1", "1.2.3.4 "}) {
      assertEquals(-1, Ident.ipv4(notOne), notOne);
    }
  }
}
