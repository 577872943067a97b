package io.ipsecmesh.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.EspForwarderSettings.InnerPort;
import io.ipsecmesh.esp.EspForwarderSettings.RawEsp;
import io.ipsecmesh.esp.fwd.PuntRateLimiter;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The forwarder's deployment options: defaults, flags as text or typed JSON, and every refusal naming its option. */
class EspForwarderSettingsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    EspForwarderSettings s = EspForwarderSettings.defaults();
    assertEquals("0.0.0.0", s.bind().getAddress().getHostAddress());
    assertEquals(4500, s.bind().getPort());
    assertEquals(InnerPort.AUTO, s.innerPort());
    assertEquals("ipsec0", s.tunName());
    assertEquals(1400, s.tunMtu());
    assertEquals(2000, s.tunTxQueueLen());
    assertTrue(s.tunOffload());
    assertTrue(s.routes());
    assertFalse(s.udpGro(), "zero-checksum datagrams are never coalesced: recvmmsg batches serve them better");
    assertTrue(s.zeroUdpChecksum(), "RFC 3948 §2.1 and the seed: UDP checksum zero");
    assertTrue(s.udpGso());
    assertEquals(RawEsp.AUTO, s.rawEsp());
    assertEquals(PuntRateLimiter.DEFAULT_PER_SOURCE, s.ikePuntPerSource());
    assertEquals(PuntRateLimiter.DEFAULT_GLOBAL, s.ikePuntGlobal());
    assertNull(s.llqPriorityDscp(), "no LLQ unless asked for");
    assertNull(s.accessCheck(), "the access check follows the TUN unless set");
    assertEquals(Path.of(System.getProperty("user.home"), ".ipsec-mesh", "state"), s.stateDir());
    assertTrue(s.forwarderId().endsWith("/" + ProcessHandle.current().pid()));
  }

  @Test
  void flagsAsTextAndTypedJsonMeanTheSame() {
    JsonObject flags = new JsonObject().put("bindAddress", "127.0.0.1").put("port", "0").put("innerPort", "udp")
        .put("innerUdpBind", "127.0.0.1:4600").put("innerUdpPeer", "127.0.0.1:4601").put("udpChecksum", "computed")
        .put("udpGso", "false").put("rawEsp", "off").put("ikePuntPerSource", "5").put("llqPriorityDscp", "ef,cs5")
        .put("llqPriorityQueue", "64").put("accessCheck", "false").put("forwarderId", 7)
        .put("interfaceMap", "GigabitEthernet0/0=eth0");
    JsonObject typed = flags.copy().put("port", 0).put("udpGso", false).put("ikePuntPerSource", 5)
        .put("llqPriorityQueue", 64).put("accessCheck", false);
    for (JsonObject c : new JsonObject[] {flags, typed}) {
      EspForwarderSettings s = EspForwarderSettings.from(c);
      assertEquals(0, s.bind().getPort());
      assertEquals(InnerPort.UDP, s.innerPort());
      assertFalse(s.zeroUdpChecksum());
      assertTrue(s.udpGro(), "computed checksums: a peer's GSO batch arrives whole");
      assertFalse(s.udpGso());
      assertEquals(RawEsp.OFF, s.rawEsp());
      assertEquals(5, s.ikePuntPerSource());
      assertArrayEquals(new int[] {46, 40}, s.llqPriorityDscp());
      assertEquals(64, s.llqPriorityQueue());
      assertEquals(Boolean.FALSE, s.accessCheck());
      assertEquals("7", s.forwarderId());
      assertEquals("eth0", s.interfaceMap().hostName("GigabitEthernet0/0"));
    }
  }

  @Test
  void aBadValueIsRefusedWithItsOptionsName() {
    assertRefused(new JsonObject().put("udpChecksum", "none"), "udpChecksum");
    assertRefused(new JsonObject().put("innerPort", "pipe"), "innerPort must be auto|tun|udp|none");
    assertRefused(new JsonObject().put("rawEsp", "maybe"), "rawEsp");
    assertRefused(new JsonObject().put("innerPort", "udp"), "innerUdpBind");
    assertRefused(new JsonObject().put("port", "45OO"), "port must be a whole number");
    assertRefused(new JsonObject().put("port", 70000), "port must be 0-65535");
    assertRefused(new JsonObject().put("tunMtu", 40), "tunMtu");
    assertRefused(new JsonObject().put("udpGro", "yes"), "udpGro must be true or false");
    assertRefused(new JsonObject().put("ikePuntGlobal", 0), "IKE punt rates");
    assertRefused(new JsonObject().put("llqBulkQueue", 1000), "powers of two");
    assertRefused(new JsonObject().put("llqPriorityDscp", "gold"), "gold");
    assertRefused(new JsonObject().put("interfaceMap", "GigabitEthernet0/0"), "GigabitEthernet0/0");
  }

  private static void assertRefused(JsonObject config, String mention) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EspForwarderSettings.from(config));
    assertTrue(e.getMessage().contains(mention), e.getMessage() + " should mention " + mention);
  }

  @Test
  void ipv6PeersGetTheirOwnSocketOnTheSamePortUnlessTurnedOffOrTheBindAddressIsIpv6() {
    EspForwarderSettings d = EspForwarderSettings.from(new JsonObject().put("port", 4600));
    assertEquals(new java.net.InetSocketAddress("::", 4600), d.bind6());
    assertEquals(null, EspForwarderSettings.from(new JsonObject().put("bindAddress6", "none")).bind6());
    assertEquals(null, EspForwarderSettings.from(new JsonObject().put("bindAddress", "::")).bind6(),
        "an IPv6 bindAddress is one dual-stack socket");
    assertEquals(new java.net.InetSocketAddress("2001:db8::1", 4500),
        EspForwarderSettings.from(new JsonObject().put("bindAddress6", "2001:db8::1")).bind6());
    assertEquals(null, EspForwarderSettings.from(new JsonObject().put("bindAddress", "192.0.2.1")).bind6(),
        "beside one IPv4 address, IPv6 only when asked for");
    assertEquals(new java.net.InetSocketAddress("2001:db8::1", 4500), EspForwarderSettings.from(new JsonObject()
        .put("bindAddress", "192.0.2.1").put("bindAddress6", "2001:db8::1")).bind6());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> EspForwarderSettings.from(new JsonObject().put("bindAddress6", "10.0.0.1")));
  }

  @Test
  void thePacketPathWarmUpSends20000PacketsPerTransformUnlessTurnedOff() {
    assertEquals(20_000, EspForwarderSettings.defaults().warmupPackets());
    assertEquals(0, EspForwarderSettings.from(new JsonObject().put("warmupPackets", "0")).warmupPackets());
    assertEquals(500, EspForwarderSettings.from(new JsonObject().put("warmupPackets", 500)).warmupPackets());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EspForwarderSettings.from(new JsonObject().put("warmupPackets", "-1")));
    assertTrue(e.getMessage().contains("warmupPackets"), e.getMessage());
  }
}
