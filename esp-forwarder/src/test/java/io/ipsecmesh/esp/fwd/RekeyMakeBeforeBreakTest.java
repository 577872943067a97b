package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Child SA rekey under traffic, on both gateways' forwarders (RFC 7296 §2.8): no packet is lost to an SPI the
 * receiving end does not (yet, or any more) know. Gateway A initiates the rekey of SA 1 (A receives on 0x1001,
 * B on 0x2001); SA 2 (0x1002 / 0x2002) replaces it. B, the responder, installs SA 2 first, as it answers; A installs
 * it when the answer arrives and deletes SA 1; B deletes SA 1 when A's DELETE arrives.
 *
 * <ul>
 *   <li>"When rekeying an SA, the responder continues to send traffic on the old SA until" it has "received a
 *       cryptographically valid message on the other half of the SA pair" or the old SA is deleted.
 *   <li>The DELETE of the old SA can overtake the peer's last packets on it (another socket, another path through
 *       the gateway), and the peer sends on the old SA until it gets it: a replaced SA keeps decrypting for
 *       {@link SaDatabase#REPLACED_INBOUND_ROUNDS} supervisor rounds (strongSwan's {@code delete_rekeyed_delay}).
 *   <li>A tunnel's last SA (clear, idle, lifetime) leaves at once.
 * </ul>
 */
class RekeyMakeBeforeBreakTest {

  private static final InetSocketAddress A_WAN = new InetSocketAddress("172.31.250.1", 4500);
  private static final InetSocketAddress B_WAN = new InetSocketAddress("172.31.250.2", 4500);
  private static final int[] HOST_A = {10, 91, 11, 1};
  private static final int[] HOST_B = {10, 91, 12, 1};

  private TestGateway a;
  private TestGateway b;

  @BeforeEach
  void setUp() {
    a = gateway("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0");
    b = gateway("172.31.250.2", "172.31.250.1", "10.91.12.0", "10.91.11.0");
  }

  private static TestGateway gateway(String wan, String peer, String local, String remote) {
    TestGateway gw = new TestGateway();
    gw.sad.setSpd(SecurityPolicyDatabase.build(ManualKeyConfigs.withMaps(
        List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(peer), List.of("GCM"),
            null, null, "101", null, null, null)),
        List.of(new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
            new AddressMatch(local, "0.0.0.255"), null, new AddressMatch(remote, "0.0.0.255"), null, null)))),
        wan)));
    return gw;
  }

  /** An SA as {@code gw} runs it: it receives on {@code in} and sends on {@code out}; keys by SPI. */
  private static SaPair build(TestGateway gw, long in, long out, long createdMillis) {
    boolean isA = in < 0x2000; // A receives on 0x100n
    String local = isA ? "10.91.11" : "10.91.12";
    String remote = isA ? "10.91.12" : "10.91.11";
    ChildSa sa = new ChildSa("11:22", 7, "VPN", 10, in, out, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true,
        false, 64, isA ? "172.31.250.1" : "172.31.250.2", 4500, isA ? "172.31.250.2" : "172.31.250.1", 4500,
        List.of(TrafficSelector.anyPorts(local + ".0", local + ".255")),
        List.of(TrafficSelector.anyPorts(remote + ".0", remote + ".255")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", gw.wrap.wrap(key(in)),
        gw.wrap.wrap(key(out)), createdMillis);
    return gw.factory.build(sa, false, gw.sad.spd());
  }

  private static byte[] key(long spi) {
    byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
    Arrays.fill(k, (byte) spi);
    return k;
  }

  /** A packet from {@code from}'s LAN through its forwarder: the ESP packet it sent. */
  private static byte[] send(TestGateway from, int[] src, int[] dst) {
    from.port.inject(Packets.udp4(src, dst, 40000, 5201, 100));
    TestGateway.CapturingSender.Sent s = from.sent.packets.poll();
    return s == null ? null : s.packet();
  }

  private static long spiOf(byte[] esp) {
    return EspHeader.readSpi(esp, 0) & 0xFFFF_FFFFL;
  }

  /** Whether {@code to} decrypted {@code esp} onto its LAN. */
  private static boolean delivered(TestGateway to, byte[] esp, InetSocketAddress from) throws InterruptedException {
    to.receive(esp, from);
    return to.port.poll(0) != null;
  }

  @Test
  void aRekeyUnderTrafficLosesNoPacket() throws Exception {
    a.install(build(a, 0x1001, 0x2001, 1000));
    b.install(build(b, 0x2001, 0x1001, 1000));

    // B answers the CREATE_CHILD_SA: SA 2 is installed there, and B keeps sending on SA 1
    SaPair b2 = b.install(build(b, 0x2002, 0x1002, 2000));
    assertTrue(b2.outbound().held);
    byte[] fromB = send(b, HOST_B, HOST_A);
    assertEquals(0x1001, spiOf(fromB), "A cannot receive on SA 2 before it has B's answer");
    assertTrue(delivered(a, fromB, B_WAN));

    // A has the answer: SA 2 installed, SA 1 deleted; A sends on SA 2 at once
    a.install(build(a, 0x1002, 0x2002, 2000));
    byte[] lateFromB = send(b, HOST_B, HOST_A); // sent on SA 1 before A's DELETE reached B
    a.sad.remove(0x1001);
    byte[] fromA = send(a, HOST_A, HOST_B);
    assertEquals(0x2002, spiOf(fromA));
    assertTrue(delivered(a, lateFromB, B_WAN), "the replaced SA still decrypts what B sent before it knew");

    // B's first packet on SA 2 proves that A receives on it: B switches before the DELETE comes
    assertTrue(delivered(b, fromA, A_WAN));
    assertFalse(b2.outbound().held);
    assertEquals(0x1002, spiOf(send(b, HOST_B, HOST_A)));
    byte[] lateFromA = send(a, HOST_A, HOST_B);
    b.sad.remove(0x2001); // A's DELETE
    assertTrue(delivered(b, lateFromA, A_WAN));

    assertEquals(0, a.plane.stats().invalidSpi() + b.plane.stats().invalidSpi());
    assertEquals(1, a.sad.replacedCount());
    assertEquals(List.of(), a.retired, "SA 1's keys are still in use");
  }

  @Test
  void aReplacedSaDecryptsForFiveRoundsThenItsKeysAreRetired() throws Exception {
    SaPair a1 = a.install(build(a, 0x1001, 0x2001, 1000));
    b.install(build(b, 0x2001, 0x1001, 1000));
    a.install(build(a, 0x1002, 0x2002, 2000));
    a.sad.remove(0x1001);
    byte[] late = send(b, HOST_B, HOST_A);
    for (int round = 1; round < SaDatabase.REPLACED_INBOUND_ROUNDS; round++) {
      a.sad.ageReplaced();
    }
    assertTrue(delivered(a, late, B_WAN), "four rounds after its deletion");
    a.sad.ageReplaced();
    assertFalse(delivered(a, send(b, HOST_B, HOST_A), B_WAN), "five rounds after: gone");
    assertEquals(1, a.plane.stats().invalidSpi());
    assertEquals(List.of(a1), a.retired);
    assertEquals(0, a.sad.replacedCount());
  }

  @Test
  void aResponderSwitchesWhenTheOldSaIsDeletedEvenWithoutTrafficFromThePeer() {
    b.install(build(b, 0x2001, 0x1001, 1000));
    b.install(build(b, 0x2002, 0x1002, 2000));
    assertEquals(0x1001, spiOf(send(b, HOST_B, HOST_A)));
    b.sad.remove(0x2001);
    assertEquals(0x1002, spiOf(send(b, HOST_B, HOST_A)), "the tunnel's only SA carries its traffic, held or not");
  }

  @Test
  void theSuccessorStillWaitingForItsSequenceNumbersCountsAsTheTunnels() throws Exception {
    a.install(build(a, 0x1001, 0x2001, 1000));
    b.install(build(b, 0x2001, 0x1001, 1000));
    // A's new SA accepts inbound packets while its sequence-number reservation is on its way
    a.sad.acceptInbound(build(a, 0x1002, 0x2002, 2000));
    byte[] late = send(b, HOST_B, HOST_A);
    a.sad.remove(0x1001);
    assertTrue(delivered(a, late, B_WAN));
    assertEquals(1, a.sad.replacedCount());
  }

  /**
   * The initiator's DELETE of the old SA can reach the responder before the responder's new pair has its sequence
   * numbers (a Hazelcast round trip): the old SA keeps carrying the tunnel's traffic until the new one is installed,
   * instead of the tunnel having no SA (dropped, and an ACQUIRE for a needless new SA).
   */
  @Test
  void aDeletedSaKeepsSendingUntilItsSuccessorHasItsSequenceNumbers() throws Exception {
    a.install(build(a, 0x1001, 0x2001, 1000));
    b.install(build(b, 0x2001, 0x1001, 1000));
    SaPair b2 = build(b, 0x2002, 0x1002, 2000);
    b.sad.acceptInbound(b2); // answered; its reservation is on its way
    b.sad.remove(0x2001); // A's DELETE
    byte[] fromB = send(b, HOST_B, HOST_A);
    assertEquals(0x1001, spiOf(fromB), "the old SA still carries");
    assertEquals(0, b.plane.stats().innerNoSa());
    a.install(build(a, 0x1002, 0x2002, 2000));
    a.sad.remove(0x1001);
    assertTrue(delivered(a, fromB, B_WAN), "A's replaced SA still decrypts it");
    b.install(b2);
    assertEquals(0x1002, spiOf(send(b, HOST_B, HOST_A)), "installed: the new SA carries at once");
    for (int round = 0; round < SaDatabase.REPLACED_INBOUND_ROUNDS; round++) {
      b.sad.ageReplaced();
    }
    assertEquals(0x1002, spiOf(send(b, HOST_B, HOST_A)));
    assertEquals(1, b.retired.size());
  }

  @Test
  void aDeletedSaWhoseSuccessorNeverCompletesStopsSendingWhenItIsRetired() {
    b.install(build(b, 0x2001, 0x1001, 1000));
    b.sad.acceptInbound(build(b, 0x2002, 0x1002, 2000));
    b.sad.remove(0x2001);
    assertEquals(0x1001, spiOf(send(b, HOST_B, HOST_A)));
    for (int round = 0; round < SaDatabase.REPLACED_INBOUND_ROUNDS; round++) {
      b.sad.ageReplaced();
    }
    assertNull(send(b, HOST_B, HOST_A), "retired: no SA until the successor comes");
  }

  @Test
  void aTunnelsLastSaLeavesAtOnce() throws Exception {
    SaPair a1 = a.install(build(a, 0x1001, 0x2001, 1000));
    b.install(build(b, 0x2001, 0x1001, 1000));
    byte[] fromB = send(b, HOST_B, HOST_A);
    a.sad.remove(0x1001); // clear crypto session
    assertFalse(delivered(a, fromB, B_WAN));
    assertEquals(List.of(a1), a.retired);
    assertEquals(0, a.sad.replacedCount());
    assertNull(send(a, HOST_A, HOST_B), "no SA: the packet only raises an acquire");
  }

  /**
   * A forwarder's totals keep what a deleted SA counted, through its rounds as a replaced SA and after its
   * retirement, and never go down: the per-SA series leave with the SA.
   */
  @Test
  void theForwardersTotalsKeepWhatADeletedSaCounted() throws Exception {
    a.install(build(a, 0x1001, 0x2001, 1000));
    b.install(build(b, 0x2001, 0x1001, 1000));
    assertTrue(delivered(a, send(b, HOST_B, HOST_A), B_WAN));
    assertTrue(delivered(a, send(b, HOST_B, HOST_A), B_WAN));
    byte[] forged = send(b, HOST_B, HOST_A);
    forged[forged.length - 1] ^= 1;
    assertFalse(delivered(a, forged, B_WAN));
    send(a, HOST_A, HOST_B);
    assertEquals(2, a.sad.total(SaCounter.DECAPS));
    assertEquals(1, a.sad.total(SaCounter.AUTH_FAILURES));
    assertEquals(1, a.sad.total(SaCounter.ENCAPS));

    a.install(build(a, 0x1002, 0x2002, 2000));
    a.sad.remove(0x1001);
    assertEquals(2, a.sad.total(SaCounter.DECAPS), "deleted, still decrypting");
    assertTrue(delivered(a, send(b, HOST_B, HOST_A), B_WAN), "a late packet on SA 1");
    for (int round = 0; round < SaDatabase.REPLACED_INBOUND_ROUNDS; round++) {
      a.sad.ageReplaced();
    }
    assertEquals(1, a.retired.size());
    assertEquals(3, a.sad.total(SaCounter.DECAPS), "retired: its three packets stay counted");
    assertEquals(1, a.sad.total(SaCounter.AUTH_FAILURES));
    assertEquals(3 * 128, a.sad.total(SaCounter.DECAP_BYTES), "the bytes too");
    assertEquals(1, a.sad.total(SaCounter.ENCAPS));
    send(a, HOST_A, HOST_B); // on SA 2
    assertEquals(2, a.sad.total(SaCounter.ENCAPS));
    a.sad.remove(0x1002);
    assertEquals(2, a.sad.total(SaCounter.ENCAPS), "the tunnel's last SA left at once, its counts with it");
  }
}
