package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static io.ipsecmesh.ike.v1.TwoGateways.WRAP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Our IKEv1 initiator against our IKEv1 responder, in virtual time. */
class Ikev1EngineTest {

  private static final String PSK = "ikev1-loopback-psk";

  private static TwoGateways establish(Ikev1Suite suite, EspTransform esp) {
    TwoGateways g = new TwoGateways();
    g.configure(TwoGateways.policy(A, B, PSK, suite, esp, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, suite, esp, "10.2.0", "10.1.0"));
    assertTrue(g.serviceA.acquire("vpn", 10, null));
    g.pump();
    return g;
  }

  @ParameterizedTest
  @CsvSource({"256,SHA2_256,14,AES_CBC_256_HMAC_SHA256_128", "256,SHA1,19,AES_CBC_256_HMAC_SHA1_96",
      "128,SHA2_384,20,AES_CBC_128_HMAC_SHA256_128", "256,SHA2_512,19,AES_CBC_256_HMAC_SHA512_256",
      "256,SHA2_256,19,AES_GCM_256"})
  void mainModeAndQuickModeAgreeOnMirroredSpisAndKeys(int bits, Ikev1Hash hash, int group, EspTransform esp) {
    TwoGateways g = establish(TwoGateways.suite(bits, hash, group), esp);

    assertEquals(9, g.sentByA.size() + g.sentByB.size(), "6 Main Mode + 3 Quick Mode messages");
    assertEquals(1, g.a.up.size());
    assertEquals(1, g.b.up.size());
    assertEquals(1, g.a.up.getFirst().ikeVersion());
    assertEquals(B, g.a.up.getFirst().peerId(), "ID_IPV4_ADDR of the peer");
    assertEquals(g.a.up.getFirst().ikeSaId(), g.b.up.getFirst().ikeSaId(), "same cookie pair");
    ChildSa ca = g.a.children.getFirst();
    ChildSa cb = g.b.children.getFirst();
    assertEquals(ca.inboundSpi(), cb.outboundSpi());
    assertEquals(ca.outboundSpi(), cb.inboundSpi());
    assertEquals(esp, ca.transform());
    assertEquals(esp, cb.transform());
    byte[] aIn = WRAP.unwrap(ca.wrappedInboundKeys());
    assertEquals(esp.keyMaterialBytes(), aIn.length);
    assertArrayEquals(aIn, WRAP.unwrap(cb.wrappedOutboundKeys()), "KEYMAT of A's inbound SA");
    assertArrayEquals(WRAP.unwrap(ca.wrappedOutboundKeys()), WRAP.unwrap(cb.wrappedInboundKeys()));
    assertFalse(java.util.Arrays.equals(aIn, WRAP.unwrap(ca.wrappedOutboundKeys())), "each direction its own KEYMAT");
    assertEquals(List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.0.255")), ca.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.0.255")), cb.remoteSelectors());
    assertEquals(new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), ca.lifetime());
    assertFalse(ca.udpEncapsulation(), "no NAT, no encapsulation");
    assertEquals(500, g.sentByA.getLast().localPort(), "no NAT: IKE stays on 500");
    for (IkeDatagram d : g.sentByA.subList(2, g.sentByA.size())) {
      assertEquals(IsakmpCodec.isIsakmp(d.message()), true);
    }
  }

  /**
   * The seed's 3DES example as IOS XE 17.11.1+ runs it after crypto engine compliance shield disable:
   * Main Mode with 3DES-CBC (8-byte blocks and IVs), SHA-1 or MD5 and MODP group 2 or 5, Quick Mode
   * with esp-3des/esp-des and HMAC-SHA1/MD5; both ends derive the same keys.
   */
  @ParameterizedTest
  @CsvSource({"SHA1,2,TDES_CBC_HMAC_SHA1_96", "MD5,5,TDES_CBC_HMAC_MD5_96", "SHA1,1,DES_CBC_HMAC_MD5_96",
      "SHA2_256,14,DES_CBC_HMAC_SHA1_96"})
  void legacyTripleDesMainModeAndQuickMode(Ikev1Hash hash, int group, EspTransform esp) {
    Ikev1Suite s = new Ikev1Suite(192, hash, io.ipsecmesh.ike.crypto.DhGroup.byId(group), 86_400, true);
    TwoGateways g = establish(s, esp);
    assertEquals(9, g.sentByA.size() + g.sentByB.size(), "6 Main Mode + 3 Quick Mode messages");
    ChildSa ca = g.a.children.getFirst();
    ChildSa cb = g.b.children.getFirst();
    assertEquals(esp, ca.transform());
    assertEquals(esp, cb.transform());
    assertEquals(esp.keyMaterialBytes(), WRAP.unwrap(ca.wrappedInboundKeys()).length);
    assertArrayEquals(WRAP.unwrap(ca.wrappedInboundKeys()), WRAP.unwrap(cb.wrappedOutboundKeys()));
    // the 3DES-encrypted messages (MM5 on) are whole 8-byte blocks, not 16-byte ones
    int body = g.sentByA.get(2).message().length - 28;
    assertEquals(0, body % 8);
  }

  @ParameterizedTest
  @CsvSource({"14", "19", "20"})
  void quickModeWithPfsCarriesKePayloadsAndAgreesOnKeys(int group) throws Exception {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    EspTransform esp = EspTransform.AES_CBC_256_HMAC_SHA256_128;
    g.configure(TwoGateways.withPfs(TwoGateways.policy(A, B, PSK, s, esp, "10.1.0", "10.2.0"), group),
        TwoGateways.withPfs(TwoGateways.policy(B, A, PSK, s, esp, "10.2.0", "10.1.0"), group));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    ChildSa ca = g.a.children.getFirst();
    ChildSa cb = g.b.children.getFirst();
    assertArrayEquals(WRAP.unwrap(ca.wrappedInboundKeys()), WRAP.unwrap(cb.wrappedOutboundKeys()));
    assertArrayEquals(WRAP.unwrap(ca.wrappedOutboundKeys()), WRAP.unwrap(cb.wrappedInboundKeys()));
    // QM1 and QM2 (A's 4th and B's 4th message) each carry a KE of the PFS group, inside the encryption
    IsakmpSa sa = g.serviceA.engine().table.sas.values().iterator().next();
    byte[] qm1 = g.sentByA.get(3).message();
    var h1 = IsakmpCodec.decodeHeader(qm1);
    assertEquals(IsakmpConstants.EXCH_QUICK_MODE, h1.exchangeType());
    var c1 = Protection.open(sa, qm1, h1, Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, h1.messageId())).chain();
    int keBytes = io.ipsecmesh.ike.crypto.DhGroup.byId(group).publicValueBytes;
    assertEquals(keBytes, c1.first(io.ipsecmesh.proto.ikev1.IsakmpPayload.KeyExchange.class).data().length);
    byte[] qm2 = g.sentByB.get(3).message();
    var c2 = Protection.open(sa, qm2, IsakmpCodec.decodeHeader(qm2), CbcCipher.lastBlock(qm1)).chain();
    assertEquals(keBytes, c2.first(io.ipsecmesh.proto.ikev1.IsakmpPayload.KeyExchange.class).data().length);
    assertEquals(group, c2.first(io.ipsecmesh.proto.ikev1.IsakmpPayload.SecurityAssociation.class).proposals()
        .getFirst().transforms().getFirst().attribute(IsakmpConstants.P2_GROUP_DESCRIPTION).value());
  }

  @Test
  void aResponderThatRequiresPfsRefusesAQuickModeWithout() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    EspTransform esp = EspTransform.AES_CBC_256_HMAC_SHA256_128;
    g.configure(TwoGateways.policy(A, B, PSK, s, esp, "10.1.0", "10.2.0"),
        TwoGateways.withPfs(TwoGateways.policy(B, A, PSK, s, esp, "10.2.0", "10.1.0"), 14));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(1, g.a.up.size(), "phase 1 is fine");
    assertTrue(g.a.children.isEmpty() && g.b.children.isEmpty());
    assertEquals(List.of("no-proposal-chosen"), g.a.quickModeFailures, "B said NO-PROPOSAL-CHOSEN");
    g.advance(130_000);
    assertTrue(g.a.down.isEmpty(), "the refused Quick Mode is not retransmitted and the ISAKMP SA stays");
  }

  @Test
  void noNatTransparencyDisablesNatTraversalBehindANat() {
    TwoGateways g = new TwoGateways();
    g.natInFrontOfA = true;
    g.serviceA.engine().setNatTransparency(false);
    g.serviceB.engine().setNatTransparency(false);
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, TwoGateways.NAT_OUTSIDE, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0",
            "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    // the seed: "Disables NAT traversal" - no NAT-T vendor ID, no NAT-D, no float to 4500, raw ESP
    assertEquals(List.of(500, 500, 500, 500, 500), g.sentByA.stream().map(IkeDatagram::localPort).toList());
    assertFalse(new String(g.sentByA.getFirst().message(), java.nio.charset.StandardCharsets.ISO_8859_1)
        .contains(new String(NatT.VID_RFC3947, java.nio.charset.StandardCharsets.ISO_8859_1)), "no RFC 3947 VID");
    assertFalse(g.a.children.getFirst().udpEncapsulation() || g.b.children.getFirst().udpEncapsulation());
  }

  @Test
  void natBetweenThePeersFloatsTo4500AndEncapsulatesEsp() {
    TwoGateways g = new TwoGateways();
    g.natInFrontOfA = true;
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, TwoGateways.NAT_OUTSIDE, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0",
            "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(List.of(500, 500, 4500, 4500, 4500), g.sentByA.stream().map(IkeDatagram::localPort).toList(),
        "MM1, MM3 on 500; MM5, QM1 and QM3 on 4500 (RFC 3947 §4)");
    assertEquals(4500, g.sentByA.getLast().peerPort());
    ChildSa ca = g.a.children.getFirst();
    ChildSa cb = g.b.children.getFirst();
    assertTrue(ca.udpEncapsulation() && cb.udpEncapsulation());
    assertEquals(4500, ca.peerPort());
    assertEquals(34500, cb.peerPort(), "B answers the NAT's mapping of A's 4500");
    assertEquals(TwoGateways.NAT_OUTSIDE, cb.peerAddress());

    // the NAT remaps A's 4500: B follows the last authenticated message (an R-U-THERE), Child SA included
    g.natPortFor4500 = 40123;
    List<ProbeOutcome> outcomes = new ArrayList<>();
    g.serviceA.probe(new ProbeRequest(g.a.up.getFirst().ikeSaId(), B, 0, 1000), outcomes::add);
    g.pump();
    assertTrue(outcomes.getFirst().acknowledged(), "B's ACK went to the new mapping");
    assertEquals(40123, g.b.rebound.getLast().peerPort());
    assertEquals(cb.inboundSpi(), g.b.rebound.getLast().inboundSpi());
    assertEquals(40123, g.b.rows.getLast().peerPort());
  }

  @Test
  void dpdProbesAreAnsweredAndUnansweredProbesTimeOutWithTheNextSequenceNumber() throws Exception {
    TwoGateways g = establish(TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19), EspTransform.AES_CBC_256_HMAC_SHA256_128);
    String id = g.a.up.getFirst().ikeSaId();
    List<ProbeOutcome> outcomes = new ArrayList<>();
    int livenessB = g.b.liveness.size();
    g.serviceA.probe(new ProbeRequest(id, B, 0, 2000), outcomes::add);
    g.pump();
    assertEquals(List.of(new ProbeOutcome(id, true)), outcomes);
    assertEquals(livenessB + 1, g.b.liveness.size(), "the R-U-THERE proved A alive to B");
    long seq1 = dpdSequence(g, g.sentByA.getLast());

    // B answers its own probes too: DPD works in both directions
    List<ProbeOutcome> fromB = new ArrayList<>();
    g.serviceB.probe(new ProbeRequest(id, A, 0, 2000), fromB::add);
    g.pump();
    assertEquals(List.of(new ProbeOutcome(id, true)), fromB);

    // B goes silent: the probe's outcome is false after its timeout, not before
    g.drop = d -> true;
    g.serviceA.probe(new ProbeRequest(id, B, 0, 2000), outcomes::add);
    g.advance(1900);
    assertEquals(1, outcomes.size());
    g.advance(200);
    assertEquals(new ProbeOutcome(id, false), outcomes.get(1));
    // dpd-service's retransmission is a new R-U-THERE with the next sequence number (RFC 3706 §6.2)
    g.serviceA.probe(new ProbeRequest(id, B, 1, 2000), outcomes::add);
    assertEquals(seq1 + 2, dpdSequence(g, g.sentByA.getLast()));
    assertNotEquals(IsakmpCodec.decodeHeader(g.sentByA.getLast().message()).messageId(),
        IsakmpCodec.decodeHeader(g.sentByA.get(g.sentByA.size() - 2).message()).messageId(), "a new M-ID");
    g.advance(2100);
    assertEquals(new ProbeOutcome(id, false), outcomes.get(2));

    // a peer without the DPD vendor ID is never sent an R-U-THERE (RFC 3706 §5.1), and dpd-service learns
    // that it must not count this as an unanswered probe
    g.serviceA.engine().table.sas.values().iterator().next().peerDpd = false;
    int sent = g.sentByA.size();
    g.serviceA.probe(new ProbeRequest(id, B, 0, 2000), outcomes::add);
    assertEquals(new ProbeOutcome(id, false, true), outcomes.get(3));
    assertEquals(sent, g.sentByA.size());

    List<ProbeOutcome> unknown = new ArrayList<>();
    g.serviceA.probe(new ProbeRequest("0000000000000001:0000000000000002", B, 0, 2000), unknown::add);
    assertEquals(List.of(new ProbeOutcome("0000000000000001:0000000000000002", false)), unknown);
  }

  /** The sequence number of the R-U-THERE A sent, decrypted with A's ISAKMP SA. */
  private static long dpdSequence(TwoGateways g, IkeDatagram d) throws Exception {
    IsakmpSa sa = g.serviceAEngine().table.sas.values().iterator().next();
    var h = IsakmpCodec.decodeHeader(d.message());
    Protection.Opened o = Protection.open(sa, d.message(), h,
        Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, h.messageId()));
    var n = o.chain().first(io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification.class);
    assertEquals(IsakmpConstants.N_R_U_THERE, n.notifyType());
    return n.dpdSequence();
  }

  @Test
  void lostMessagesAreRetransmittedAndDuplicatesAnsweredWithTheSameBytes() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"));
    // lose B's first MM2 and B's first MM6: A retransmits MM1 and MM5, B answers from its cache
    int[] fromB = {0};
    g.drop = d -> d.localAddress().equals(B) && (++fromB[0] == 1 || fromB[0] == 4);
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertTrue(g.a.up.isEmpty());
    g.advance(2000);
    assertTrue(g.a.up.isEmpty(), "MM6 lost");
    g.advance(2000);
    assertEquals(1, g.a.up.size());
    assertEquals(1, g.a.children.size());
    assertEquals(1, g.b.children.size());
    assertArrayEquals(g.sentByB.get(0).message(), g.sentByB.get(1).message(), "MM2 again, same bytes");
    assertArrayEquals(g.sentByB.get(3).message(), g.sentByB.get(4).message(), "MM6 again, same bytes");
  }

  @Test
  void aSilentPeerEndsTheNegotiationAfterTheRetransmissions() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"));
    g.drop = d -> true;
    g.serviceA.acquire("vpn", 10, null);
    g.advance(62_000);
    assertEquals(6, g.sentByA.size(), "MM1 and 5 retransmissions after 2, 4, 8, 16, 32 s");
    g.advance(63_000);
    assertTrue(g.a.down.isEmpty(), "the last retransmission gets its 64 s too");
    g.advance(1_000);
    assertEquals("negotiation-failed: retransmissions-exceeded", g.a.down.getFirst().reason());
    assertEquals(0, g.serviceA.activeSaCount());
  }

  @Test
  void wrongPskNeverEstablishesAndBothSidesGiveUp() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, "another-psk", s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    // with another PSK B derives another SKEYID_e: MM5 does not decrypt to a payload chain (or HASH_I would
    // fail); B drops it, as it must not tell an unauthenticated peer anything
    assertTrue(g.b.up.isEmpty() && g.a.up.isEmpty());
    assertTrue(g.b.children.isEmpty());
    g.advance(130_000);
    assertEquals("negotiation-failed: retransmissions-exceeded", g.a.down.getFirst().reason());
    assertEquals(1, g.b.down.size(), "B drops the half-open SA too");
    assertEquals(0, g.serviceB.activeSaCount());
  }

  @Test
  void noCommonIsakmpPolicyIsRefusedWithNoProposalChosen() {
    TwoGateways g = new TwoGateways();
    g.configure(TwoGateways.policy(A, B, PSK, TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19),
            EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, TwoGateways.suite(256, Ikev1Hash.SHA2_256, 14),
            EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals("negotiation-failed: no-proposal-chosen", g.a.down.getFirst().reason());
    assertEquals(0, g.serviceB.activeSaCount(), "the responder keeps no state");
  }

  @Test
  void deletesTravelBothWaysAndClearRemovesEverything() {
    TwoGateways g = establish(TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19), EspTransform.AES_CBC_256_HMAC_SHA256_128);
    ChildSa ca = g.a.children.getFirst();
    // a second Child SA by a rekey: the new one is up before the old one is deleted on both sides
    assertTrue(g.serviceA.rekeyChild(ca.inboundSpi()));
    g.pump();
    assertEquals(2, g.a.children.size());
    assertEquals(2, g.b.children.size());
    assertEquals(ca.inboundSpi(), g.a.deleted.getFirst().inboundSpi());
    assertEquals(ca.outboundSpi(), g.b.deleted.getFirst().inboundSpi(), "B removed its side of the old SA");
    assertEquals("peer-delete", g.b.deleted.getFirst().reason());

    g.serviceB.clear(null, "clear crypto session");
    g.pump();
    assertEquals(1, g.a.down.size(), "A heard B's DELETE of the ISAKMP SA");
    assertEquals("peer-delete", g.a.down.getFirst().reason());
    assertEquals(2, g.a.deleted.size());
    assertEquals(0, g.serviceA.activeSaCount());
    assertEquals(0, g.serviceB.activeSaCount());
  }

  @Test
  void invalidSpiRecoveryTellsThePeerWhichThenDropsItsStaleSa() {
    TwoGateways g = establish(TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19), EspTransform.AES_CBC_256_HMAC_SHA256_128);
    ChildSa ca = g.a.children.getFirst();
    // A's forwarder got ESP for an SPI it does not know (say A restarted its data plane)
    assertTrue(g.serviceA.invalidSpi(B, ca.inboundSpi()));
    g.pump();
    assertEquals(1, g.b.deleted.size());
    assertEquals(ca.outboundSpi(), g.b.deleted.getFirst().inboundSpi(), "B dropped the SA that sends on that SPI");
    assertEquals("invalid-spi", g.b.deleted.getFirst().reason());
    assertFalse(g.serviceA.invalidSpi("198.51.100.1", 0x1234), "not an IKEv1 peer of ours");

    // without an ISAKMP SA the recovery builds one first, then sends the notify
    g.serviceA.clear(null, "reset");
    g.pump();
    int livenessAtB = g.b.liveness.size();
    assertTrue(g.serviceA.invalidSpi(B, 0xabcdef01L));
    g.pump();
    assertEquals(2, g.a.up.size());
    assertTrue(g.b.liveness.size() >= livenessAtB + 2, "MM5 and the protected INVALID-SPI informational");
    assertEquals(1, g.serviceB.activeSaCount());
  }

  @Test
  void phase1LifetimeEndsTheIsakmpSaAndTheInitiatorBuildsANewOne() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = new Ikev1Suite(256, Ikev1Hash.SHA2_256, io.ipsecmesh.ike.crypto.DhGroup.ECP_256, 600);
    Ikev1Suite longer = new Ikev1Suite(256, Ikev1Hash.SHA2_256, io.ipsecmesh.ike.crypto.DhGroup.ECP_256, 86_400);
    g.configure(TwoGateways.policy(A, B, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, longer, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    String first = g.a.up.getFirst().ikeSaId();
    g.advance(599_000);
    assertEquals(1, g.a.up.size());
    g.advance(1_000);
    // crypto isakmp policy … lifetime 600: both sides agreed on the shorter one; A's Child SA outlives it
    assertEquals(2, g.a.up.size(), "a fresh ISAKMP SA");
    String second = g.a.up.get(1).ikeSaId();
    assertNotEquals(first, second);
    assertTrue(g.a.deleted.isEmpty() && g.b.deleted.isEmpty(), "Child SAs keep their own lifetime, on both sides");
    assertEquals(1, g.serviceA.activeSaCount());
    assertEquals(1, g.serviceB.activeSaCount(), "the old ISAKMP SA is gone on both sides");
    assertEquals(1, g.a.children.size(), "no new Quick Mode was needed");
    // the Child SA now belongs to the new ISAKMP SA on both sides (IKE SA map rewritten, DPD/DELETE work)
    assertEquals(second, g.a.rebound.getLast().ikeSaId());
    assertEquals(second, g.b.rebound.getLast().ikeSaId());
    assertEquals(g.a.children.getFirst().inboundSpi(), g.a.rebound.getLast().inboundSpi());
    // and a DELETE of it still reaches B through the new SA
    g.serviceA.deleteChild(g.a.children.getFirst().inboundSpi(), "idle");
    g.pump();
    assertEquals(g.a.children.getFirst().outboundSpi(), g.b.deleted.getFirst().inboundSpi());
  }

  @Test
  void thePeersDeleteOfTheIsakmpSaKeepsChildSasUntilANewIsakmpSaAdoptsThem() {
    TwoGateways g = establish(TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19), EspTransform.AES_CBC_256_HMAC_SHA256_128);
    IsakmpSa bSa = g.serviceB.engine().table.sas.values().iterator().next();
    g.serviceB.engine().life.retire(bSa, "test");
    g.pump();
    assertEquals("peer-delete", g.a.down.getFirst().reason());
    assertTrue(g.a.deleted.isEmpty() && g.b.deleted.isEmpty(), "IKEv1 Child SAs outlive their ISAKMP SA");
    assertEquals(0, g.serviceA.activeSaCount());
    // the next acquire builds a new ISAKMP SA without INITIAL-CONTACT: both sides adopt the old Child SA
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(2, g.a.children.size());
    assertEquals(1, g.a.rebound.size());
    assertEquals(1, g.b.rebound.size());
    assertTrue(g.b.deleted.isEmpty(), "no INITIAL-CONTACT: B kept the old Child SA");
    // clear removes everything, with DELETEs for both Child SAs
    g.serviceA.clear(null, "clear");
    g.pump();
    assertEquals(2, g.b.deleted.size());
  }
}
