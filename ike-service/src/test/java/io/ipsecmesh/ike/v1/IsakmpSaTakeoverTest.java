package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static io.ipsecmesh.ike.v1.TwoGateways.WRAP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.ha.SealedCheckpoints;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeCheckpointCodec;
import io.ipsecmesh.proto.sa.IsakmpCheckpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 for IKEv1: takeover of an ISAKMP SA without a new Main Mode. B's engine checkpoints after every
 * exchange into a sealed store (the {@code ike.checkpoints} of production, as a map), dies like {@code kill -9}
 * (its SAs forgotten without a message), and a fresh engine B' adopts the ISAKMP SA from the checkpoint alone,
 * claiming it as {@code IkeScaleOut} does. Then A's R-U-THERE is answered, B''s own R-U-THERE carries a sequence
 * number past every one B may have used (RFC 3706 §7), A's Quick Mode rekey of the Child SA is answered with keys
 * that match, and A's DELETE ends the SA at B' (and its checkpoint) — A never sends another Main Mode message.
 * B''s phase-1 lifetime ends at the instant B's checkpoint recorded. Virtual time, two engines on a virtual wire.
 */
class IsakmpSaTakeoverTest {

  private static final String PSK = "takeover-psk";

  /** The cluster's Hazelcast map as the store sees it: key → sealed text. */
  private final Map<String, String> checkpointMap = new LinkedHashMap<>();
  private final SealedCheckpoints store = new SealedCheckpoints(
      new SecretBox(new Kek(new byte[32], "test"), IkeCheckpointCodec.SEAL_PURPOSE), new SealedCheckpoints.Store() {
        @Override
        public void put(String id, String sealed) {
          checkpointMap.put(id, sealed);
        }

        @Override
        public void remove(String id) {
          checkpointMap.remove(id);
        }
      });

  private TwoGateways established() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite suite = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, PSK, suite, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, suite, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"));
    g.serviceB.takeover().setCheckpoints(store, "ike-b", g.clock::nowMillis);
    g.clock.advance(5_000);
    assertTrue(g.serviceA.acquire("vpn", 10, null));
    g.pump();
    assertEquals(1, g.a.up.size());
    assertEquals(1, g.a.children.size());
    return g;
  }

  /** B dies (nothing of it runs again); B' adopts every checkpoint, claiming each first. */
  private TwoGateways.Events takeOver(TwoGateways g, List<IsakmpCheckpoint> claimedOut) {
    TwoGateways.Events events = new TwoGateways.Events();
    Ikev1Service b2 = new Ikev1Service(g.clock, events, WRAP, RetransmitPolicy.DEFAULT, g::sendFromB);
    b2.setPolicies(g.serviceB.engine().policies());
    b2.takeover().setCheckpoints(store, "ike-b2", g.clock::nowMillis);
    g.serviceB.takeover().establishedIsakmpSaIds().forEach(g.serviceB.takeover()::release);
    assertEquals(0, g.serviceB.engine().table.size(), "released: B holds nothing, its timers are cancelled");
    g.serviceB = b2;
    for (Map.Entry<String, String> e : List.copyOf(checkpointMap.entrySet())) {
      SealedCheckpoints.Claim claim = store.claim(e.getKey(), e.getValue(), "ike-b2");
      assertNotNull(claim.isakmp(), "an IKEv1 checkpoint");
      checkpointMap.put(e.getKey(), claim.sealed());
      claimedOut.add(claim.isakmp().claimedBy("ike-b2"));
      assertTrue(b2.takeover().adopt(claim.isakmp()));
    }
    return events;
  }

  @Test
  void dpdQuickModeRekeyAndDeleteContinueAtTheAdopterWithoutANewMainMode() throws Exception {
    TwoGateways g = established();
    String id = g.a.up.getFirst().ikeSaId();
    // B probes once before it dies: its checkpoint records the sequence number (after the ACK, an informational)
    List<ProbeOutcome> bOutcomes = new ArrayList<>();
    g.serviceB.probe(new ProbeRequest(id, A, 0, 2000), bOutcomes::add);
    g.pump();
    assertEquals(List.of(new ProbeOutcome(id, true)), bOutcomes);
    long bSequence = dpdSequence(g, g.sentByB.getLast(), IsakmpConstants.N_R_U_THERE);
    assertEquals(1, checkpointMap.size());

    List<IsakmpCheckpoint> claimed = new ArrayList<>();
    TwoGateways.Events b2 = takeOver(g, claimed);
    assertEquals(bSequence + IsakmpCheckpoint.DPD_SEQUENCE_JUMP, claimed.getFirst().dpdSequence(),
        "the claim records where the adopter starts");
    assertEquals(List.of(), b2.up, "adoption announces nothing");
    assertEquals(List.of(), b2.children);
    assertEquals(id, b2.rows.getLast().ikeSaId());
    assertEquals("ike-b2", b2.rows.getLast().detail().owner(), "show crypto isakmp sa detail names the adopter");
    assertEquals("ike-b", g.b.rows.getLast().detail().owner());
    int aSentBefore = g.sentByA.size();

    // A's R-U-THERE is answered by B' with the keys and IVs of phase 1
    List<ProbeOutcome> aOutcomes = new ArrayList<>();
    g.serviceA.probe(new ProbeRequest(id, B, 0, 2000), aOutcomes::add);
    g.pump();
    assertEquals(List.of(new ProbeOutcome(id, true)), aOutcomes);
    assertEquals(1, b2.liveness.size(), "the R-U-THERE proved A alive to B'");

    // B''s own R-U-THERE: A acknowledges it, and its number is past every one B used
    g.serviceB.probe(new ProbeRequest(id, A, 0, 2000), bOutcomes::add);
    g.pump();
    assertEquals(new ProbeOutcome(id, true), bOutcomes.getLast());
    assertEquals(bSequence + IsakmpCheckpoint.DPD_SEQUENCE_JUMP + 1,
        dpdSequence(g, g.sentByB.getLast(), IsakmpConstants.N_R_U_THERE));

    // A rekeys its Child SA by Quick Mode: B' answers, both derive the same keys, the old one is deleted
    ChildSa old = g.a.children.getFirst();
    assertTrue(g.serviceA.rekeyChild(old.inboundSpi()));
    g.pump();
    assertEquals(2, g.a.children.size());
    assertEquals(1, b2.children.size(), "B' installed the rekeyed Child SA");
    ChildSa na = g.a.children.getLast();
    ChildSa nb = b2.children.getFirst();
    assertEquals(na.inboundSpi(), nb.outboundSpi());
    assertArrayEquals(WRAP.unwrap(na.wrappedInboundKeys()), WRAP.unwrap(nb.wrappedOutboundKeys()));
    assertArrayEquals(WRAP.unwrap(na.wrappedOutboundKeys()), WRAP.unwrap(nb.wrappedInboundKeys()));
    assertEquals(old.outboundSpi(), b2.deleted.getFirst().inboundSpi(), "A's DELETE of the old Child SA reached B'");

    // A clears the session: B' deletes the ISAKMP SA, its Child SA, and the checkpoint
    g.serviceA.clear(B, "clear crypto session");
    g.pump();
    assertEquals(1, b2.down.size());
    assertEquals(id, b2.down.getFirst().ikeSaId());
    assertEquals(0, g.serviceB.engine().table.size());
    assertEquals(Map.of(), checkpointMap, "the checkpoint went with the SA");

    for (IkeDatagram d : g.sentByA.subList(aSentBefore, g.sentByA.size())) {
      int exchange = IsakmpCodec.decodeHeader(d.message()).exchangeType();
      assertTrue(exchange == IsakmpConstants.EXCH_INFORMATIONAL || exchange == IsakmpConstants.EXCH_QUICK_MODE,
          "A sent no Main or Aggressive Mode message after the takeover: " + exchange);
    }
  }

  @Test
  void theAdoptedSaEndsAtThePhase1LifetimeTheCheckpointRecorded() throws Exception {
    TwoGateways g = established();
    long establishedAt = g.clock.nowMillis();
    g.clock.advance(60_000);
    List<IsakmpCheckpoint> claimed = new ArrayList<>();
    TwoGateways.Events b2 = takeOver(g, claimed);
    long end = claimed.getFirst().expiresAtEpochMillis();
    assertEquals(establishedAt + 86_400_000L, end, "the policy's 86 400 s, on the clock both instances share");
    // a responder's ISAKMP SA ends at its lifetime with a DELETE (the initiator A builds the next one)
    g.drop = d -> d.localAddress().equals(A); // only what B' does matters here
    int bSent = g.sentByB.size();
    g.clock.advanceTo(end - 1);
    g.pump();
    assertEquals(bSent, g.sentByB.size(), "nothing before the recorded end");
    assertEquals(List.of(), b2.down);
    g.clock.advanceTo(end);
    g.pump();
    assertEquals(1, b2.down.size(), "B' ended the ISAKMP SA exactly at the recorded end");
    assertEquals("isakmp-lifetime-expired", b2.down.getFirst().reason());
    assertEquals(IsakmpConstants.EXCH_INFORMATIONAL,
        IsakmpCodec.decodeHeader(g.sentByB.getLast().message()).exchangeType(), "its DELETE to A");
  }

  /** The sequence number of a DPD notify B sent, decrypted with A's copy of the ISAKMP SA (same keys, same IVs). */
  private static long dpdSequence(TwoGateways g, IkeDatagram d, int type) throws Exception {
    IsakmpSa sa = g.serviceAEngine().table.sas.values().iterator().next();
    var h = IsakmpCodec.decodeHeader(d.message());
    Protection.Opened o = Protection.open(sa, d.message(), h,
        Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, h.messageId()));
    var n = o.chain().first(io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification.class);
    assertEquals(type, n.notifyType());
    return n.dpdSequence();
  }
}
