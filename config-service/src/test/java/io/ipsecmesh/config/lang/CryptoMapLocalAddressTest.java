package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code crypto map NAME local-address INTERFACE} (the seed's DF Bit Override example has two crypto map
 * interfaces; local-address picks the address tunnels of one map use): parsed, kept through show
 * running-config, and resolved to the interface (else the first interface the map is applied to).
 */
class CryptoMapLocalAddressTest {

  private static final String TEXT = """
      crypto ipsec transform-set t esp-aes 256 esp-sha256-hmac
      crypto map armadillo 1 ipsec-isakmp
       set peer 192.168.10.66
       set transform-set t
      crypto map basilisk 1 ipsec-isakmp
       set peer 192.168.11.19
       set transform-set t
      crypto map basilisk local-address Loopback 1
      interface FastEthernet0
       ip address 192.168.10.38 255.255.255.0
       crypto map armadillo
      interface FastEthernet1
       ip address 192.168.11.75 255.255.255.0
       crypto map basilisk
      interface Loopback1
       ip address 172.31.251.1 255.255.255.255
      """;

  @Test
  void localAddressNamesTheInterfaceOfTheMapsTunnels() {
    ParseResult r = ConfigParser.parse("la.cfg", TEXT);
    assertEquals(List.of(), r.errors());
    GatewayConfig c = r.config();
    assertEquals(Map.of("basilisk", "Loopback1"), c.cryptoMapLocalAddress());
    assertEquals("172.31.251.1", c.localInterface("basilisk").ipAddress());
    assertEquals("192.168.10.38", c.localInterface("armadillo").ipAddress(), "no local-address: its interface");
    assertTrue(r.warnings().stream().noneMatch(w -> w.message().contains("local-address")), r.warnings().toString());
    assertTrue(c.render().contains("crypto map basilisk local-address Loopback1\n"), c.render());
    assertEquals(c, ConfigParser.parse("r.cfg", c.render()).config(), "round trip");
  }
}
