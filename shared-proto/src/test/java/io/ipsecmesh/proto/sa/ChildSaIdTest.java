package io.ipsecmesh.proto.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ChildSa#saId()} keys the sequence-number reservations: the same for every re-announcement of one SA
 * (NAT move, its IKE SA rekeyed), different for different SAs even when the peer chose the same outbound SPI.
 */
class ChildSaIdTest {

  private static ChildSa sa(String ikeSaId, long in, long out, long created) {
    return new ChildSa(ikeSaId, 1, "VPN", 10, in, out, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true, false, 64,
        "192.0.2.1", 4500, "192.0.2.2", 4500, List.of(), List.of(), new ChildSa.Lifetime(0, 0, 0, 0), 0, "copy",
        new byte[] {1}, new byte[] {2}, created);
  }

  @Test
  void theSameSaKeepsItsIdAcrossReannouncements() {
    ChildSa a = sa("01:02", 0xc0000001L, 0x1234, 1000);
    assertEquals(a.saId(), a.withPeerPort(31000).saId(), "NAT mapping moved");
    assertEquals(a.saId(), sa("0a:0b", 0xc0000001L, 0x1234, 1000).saId(), "moved to the rekeyed IKE SA");
    assertEquals("child/c0000001/00001234/1000", a.saId());
  }

  @Test
  void differentSasDifferEvenWithThePeersOutboundSpiRepeated() {
    ChildSa a = sa("01:02", 0xc0000001L, 0x1234, 1000);
    assertNotEquals(a.saId(), sa("03:04", 0xc0000002L, 0x1234, 1000).saId());
    assertNotEquals(a.saId(), sa("01:02", 0xc0000001L, 0x1234, 2000).saId(), "our inbound SPI reused later");
  }

  @Test
  void aManualSaIsNamedByItsCryptoMapEntryAndSpisTheSameInEveryRun() {
    assertEquals("manual/VPN/10/00001001/00002002", sa("", 0x1001, 0x2002, 0).saId());
    assertEquals(sa("", 0x1001, 0x2002, 0).saId(), sa("", 0x1001, 0x2002, 12345).saId());
  }
}
