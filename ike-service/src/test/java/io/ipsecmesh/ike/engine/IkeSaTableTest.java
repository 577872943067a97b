package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IkeSaTableTest {

  private static IkeSa sa(boolean initiator, long spiI, String peer) {
    return new IkeSa(initiator, spiI, null, 1, "192.0.2.1", 500, peer, 500, 0);
  }

  @Test
  void everyIndexFollowsAddReindexAndRemove() {
    IkeSaTable t = new IkeSaTable();
    IkeSa a = sa(true, 0x11, "192.0.2.2");
    t.add(a);
    String provisional = a.id();
    a.spiR = 0x22;
    t.reindex(a, provisional);
    assertNull(t.byId(provisional));
    assertSame(a, t.byId(a.id()));
    assertSame(a, t.bySpi(0x11), "an initiator's own SPI is SPIi");
    IkeSa b = sa(false, 0x33, "192.0.2.2");
    b.spiR = 0x44;
    t.add(b);
    t.halfOpen("192.0.2.2/33", b);
    assertSame(b, t.bySpi(0x44), "a responder's own SPI is SPIr");
    assertEquals(List.of(a, b), t.withPeer("192.0.2.2"));
    assertEquals(1, t.halfOpenCount());
    assertTrue(t.reserveChildSpi(1000));
    assertFalse(t.reserveChildSpi(1000), "SPIs are unique in the process");
    t.childAdded(1000, b);
    assertSame(b, t.childOwner(1000));
    t.remove(b);
    assertEquals(0, t.halfOpenCount());
    assertEquals(List.of(a), t.withPeer("192.0.2.2"));
    assertNull(t.byId(b.id()));
    t.releaseChildSpi(1000);
    assertNull(t.childOwner(1000));
    assertTrue(t.reserveChildSpi(1000));
    t.remove(a);
    assertEquals(0, t.size());
    assertEquals(List.of(), t.withPeer("192.0.2.2"));
  }

  /** INITIAL_CONTACT (RFC 7296 §2.4) removes the peer's other established SAs of the same identity, no others. */
  @Test
  void initialContactFindsOnlyTheOtherEstablishedSasOfThatIdentityAtThatAddress() {
    IkeSaTable t = new IkeSaTable();
    IkeSa fresh = established(t, 0x10, "192.0.2.2", "c1.example.net");
    IkeSa stale = established(t, 0x20, "192.0.2.2", "c1.example.net");
    established(t, 0x30, "192.0.2.2", "c2.example.net"); // another client behind the same NAT
    established(t, 0x40, "192.0.2.9", "c1.example.net"); // the same name elsewhere
    IkeSa negotiating = established(t, 0x50, "192.0.2.2", "c1.example.net");
    negotiating.state = IkeSa.State.INIT_DONE;
    assertEquals(List.of(stale), t.othersWithPeerIdentity(fresh));
  }

  private static IkeSa established(IkeSaTable t, long spi, String peer, String id) {
    IkeSa x = sa(false, spi, peer);
    x.spiR = spi + 1;
    x.peerId = id;
    x.state = IkeSa.State.ESTABLISHED;
    t.add(x);
    return x;
  }

  /**
   * The identity index follows the SA: one that is established and authenticated after it entered the table is
   * found once the engine says so, a removed one no more; 10 000 other identities behind the same address (a NAT)
   * are not what INITIAL_CONTACT removes.
   */
  @Test
  void initialContactIndexFollowsEstablishmentAndRemoval() {
    IkeSaTable t = new IkeSaTable();
    for (int i = 0; i < 10_000; i++) {
      established(t, 0x1000 + 2L * i, "192.0.2.2", "c" + i + ".example.net");
    }
    IkeSa old = established(t, 0x10, "192.0.2.2", "me.example.net");
    IkeSa later = sa(false, 0x20, "192.0.2.2");
    later.spiR = 0x21;
    t.add(later); // half-open: no identity yet
    later.peerId = "me.example.net";
    later.state = IkeSa.State.ESTABLISHED;
    t.identified(later);
    t.identified(later); // idempotent
    IkeSa fresh = established(t, 0x30, "192.0.2.2", "me.example.net");
    assertEquals(List.of(old, later), t.othersWithPeerIdentity(fresh));
    t.remove(old);
    assertEquals(List.of(later), t.othersWithPeerIdentity(fresh));
    t.remove(later);
    assertEquals(List.of(), t.othersWithPeerIdentity(fresh));
    List<IkeSa> c7 = t.othersWithPeerIdentity(established(t, 0x40, "192.0.2.2", "c7.example.net"));
    assertEquals(1, c7.size(), "only the other SA of c7, of the 10 000 behind that address");
    assertEquals("c7.example.net", c7.getFirst().peerId);
  }

  /** anyWithPeer answers as a scan of the peer's snapshot would, for the peer's SAs only. */
  @Test
  void anyWithPeerLooksAtThatPeersSasOnly() {
    IkeSaTable t = new IkeSaTable();
    IkeSa a = established(t, 0x10, "192.0.2.2", "c1.example.net");
    established(t, 0x20, "192.0.2.9", "c2.example.net");
    assertTrue(t.anyWithPeer("192.0.2.2", x -> x == a));
    assertFalse(t.anyWithPeer("192.0.2.2", x -> x.peerId.equals("c2.example.net")), "another address's SA");
    assertFalse(t.anyWithPeer("192.0.2.7", x -> true), "no SA with that peer");
    a.state = IkeSa.State.DELETED;
    assertFalse(t.anyWithPeer("192.0.2.2", x -> x.state != IkeSa.State.DELETED));
  }
}
