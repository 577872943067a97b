package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.testsupport.SeedTrace;
import java.util.ArrayList;
import java.util.List;
import io.ipsecmesh.testsupport.LogMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code debug crypto isakmp} on the IKEv1 engine, compared with the seed's sample output (test resource
 * {@code seed-debug-crypto-isakmp-dpd.txt}: IOS XE IPsec Data Plane guide, DPD chapter, "Verifying DPD
 * Configuration Using the debug crypto isakmp Command Example"). The seed's peer 10.2.80.209 is our B;
 * SA tags differ (the seed's is a hardware engine's) and are compared without.
 */
class IsakmpDebugTest {

  private static final String SEED_PEER = "10.2.80.209";

  private final LogMessages capture = new LogMessages(IsakmpDebug.class.getName());
  private final List<String> log = capture.messages();

  @AfterEach
  void stopListening() {
    capture.close();
  }

  private static TwoGateways establishedWithDebugOnA() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    EspTransform esp = EspTransform.AES_CBC_256_HMAC_SHA256_128;
    g.configure(TwoGateways.policy(A, B, "debug-psk", s, esp, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, "debug-psk", s, esp, "10.2.0", "10.1.0"));
    g.serviceA.setDebug(true);
    assertTrue(g.serviceA.acquire("vpn", 10, null));
    g.pump();
    return g;
  }

  private static List<String> seed() throws Exception {
    return SeedTrace.read(SeedTrace.DPD_DEBUG).stream()
        .map(e -> SeedTrace.normalize(withoutConnTag(SeedTrace.untagged(e.text())).replace(SEED_PEER, B))).toList();
  }

  /** IOS's received-packet line carries the older tag {@code ISAKMP (0:conn-id):}; compared without it too. */
  private static String withoutConnTag(String line) {
    return line.replaceFirst("^ISAKMP \\(0:\\d+\\): ", "");
  }

  private List<String> ours() {
    return log.stream().flatMap(l -> l.lines()).map(l -> SeedTrace.normalize(withoutConnTag(SeedTrace.untagged(l))))
        .toList();
  }

  @Test
  void dpdEnabledThenRuThereAndItsAckWithTheSequenceAsInTheSeed() throws Exception {
    TwoGateways g = establishedWithDebugOnA();
    List<String> seed = seed();
    List<String> ours = ours();
    // phase 1 done, the peer sent the DPD vendor ID: the seed's first line
    assertEquals(seed.getFirst(), "IKE_DPD is enabled, initializing timers");
    assertTrue(ours.contains(seed.getFirst()), ours.toString());
    assertTrue(ours.contains("beginning Main Mode exchange"), ours.toString());
    assertTrue(ours.contains("Old State = IKE_QM_I_QM1 New State = IKE_QM_PHASE2_COMPLETE"), ours.toString());

    log.clear();
    List<ProbeOutcome> outcomes = new ArrayList<>();
    g.serviceA.probe(new ProbeRequest(g.a.up.getFirst().ikeSaId(), B, 0, 2000), outcomes::add);
    g.pump();
    assertTrue(outcomes.getFirst().acknowledged());
    long seq = g.serviceAEngine().table.sas.values().iterator().next().dpdSequence;
    String hex = "0x" + Long.toHexString(seq);
    ours = ours();
    assertEquals(List.of("DPD/R_U_THERE sent to peer " + B + ", sequence " + hex,
        seed.get(1), // sending packet to … my_port 500 peer_port 500 (I) QM_IDLE
        seed.stream().filter(l -> l.startsWith("received packet from")).findFirst().orElseThrow(),
        seed.stream().filter(l -> l.startsWith("DPD/R_U_THERE_ACK")).findFirst().orElseThrow()
            .replace("sequence 0x9", "sequence " + hex)), ours);
  }

  @Test
  void aDeadPeerIsDeletedWithReasonPeersAliveAsInTheSeed() throws Exception {
    TwoGateways g = establishedWithDebugOnA();
    log.clear();
    // what ike-service does with dpd.peer.dead for an IKEv1 SA (IkeVerticle.ikev1PeerDead)
    g.serviceA.clear(B, "dpd");
    String seedLine = seed().stream().filter(l -> l.startsWith("deleting SA reason \"peers alive\"")).findFirst()
        .orElseThrow();
    assertEquals("deleting SA reason \"peers alive\" state (I) QM_IDLE (peer " + B + ") input queue 0", seedLine);
    assertEquals(List.of(seedLine), ours().stream().filter(l -> l.startsWith("deleting SA")).toList());
  }

  @Test
  void anUnansweredMainModeMessageIsRetransmittedWithIossErrorCounterLines() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    EspTransform esp = EspTransform.AES_CBC_256_HMAC_SHA256_128;
    g.configure(TwoGateways.policy(A, B, "debug-psk", s, esp, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, "debug-psk", s, esp, "10.2.0", "10.1.0"));
    g.drop = d -> d.localAddress().equals(B); // B's MM2 never arrives
    g.serviceA.setDebug(true);
    assertTrue(g.serviceA.acquire("vpn", 10, null));
    g.pump();
    log.clear();
    g.advance(2_000);
    assertEquals(List.of("incrementing error counter on sa, attempt 1 of 5: retransmit phase 1",
        "retransmitting phase 1 MM_NO_STATE..."), ours());
    g.advance(4_000);
    assertEquals("incrementing error counter on sa, attempt 2 of 5: retransmit phase 1", ours().get(2));
  }

  @Test
  void nothingIsTracedWithDebugOff() {
    TwoGateways g = establishedWithDebugOnA();
    g.serviceA.setDebug(false);
    log.clear();
    g.serviceA.probe(new ProbeRequest(g.a.up.getFirst().ikeSaId(), B, 0, 2000), o -> {});
    g.pump();
    g.serviceA.clear(B, "dpd");
    assertEquals(List.of(), log);
  }

  @Test
  void clearCryptoSessionByPortsOnTheIkev1EngineToo() {
    TwoGateways g = establishedWithDebugOnA();
    io.ipsecmesh.proto.bus.MgmtMessages.ClearSession on4500 =
        new io.ipsecmesh.proto.bus.MgmtMessages.ClearSession(B, 4500, null, 0);
    assertEquals(List.of(0, 0), java.util.Arrays.stream(g.serviceA.clearBetween(on4500, "clear")).boxed().toList());
    io.ipsecmesh.proto.bus.MgmtMessages.ClearSession on500 =
        new io.ipsecmesh.proto.bus.MgmtMessages.ClearSession(B, 500, A, 500);
    assertEquals(List.of(1, 1), java.util.Arrays.stream(g.serviceA.clearBetween(on500, "clear")).boxed().toList());
  }
}
