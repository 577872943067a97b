package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import java.util.Locale;
import io.ipsecmesh.testsupport.LogMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code debug crypto ikev2} on the responder of two engines on the virtual wire, in IOS's words (Cisco TechNote
 * 115934, "IOS IKEv2 Debugs for Site-to-Site VPN with PSKs": {@code IKEv2:(SESSION ID = n,SA ID = n):Sending Packet
 * [To …/From …/VRF i0:f0]}, the header's SPIs and message ID, the exchange and its direction). The seeds hold no
 * IKEv2 sample output, so the lines are compared with that layout, not with a seed.
 */
class Ikev2DebugTest {

  private final LogMessages capture = new LogMessages("io.ipsecmesh.ike");
  private final List<String> log = capture.messages();

  @AfterEach
  void stopListening() {
    capture.close();
  }

  private TestPeers established() {
    TestPeers n = new TestPeers();
    n.a.setDebug(false); // only b, the responder, traces
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.bEvents.up.size());
    return n;
  }

  @Test
  void theResponderTracesEachPacketAsIosDoes() {
    TestPeers n = established();
    String[] spis = n.bEvents.up.getFirst().ikeSaId().toUpperCase(Locale.ROOT).split(":");
    List<String> lines = log.stream().flatMap(String::lines).toList();
    String tag = lines.stream().filter(l -> l.startsWith("IKEv2:(")).findFirst().orElseThrow().replaceFirst("\\):.*",
        "):");
    assertTrue(tag.matches("IKEv2:\\(SESSION ID = \\d+,SA ID = \\d+\\):"), tag);

    assertEquals(List.of("IKEv2:Received Packet [From " + A + ":500/To " + B + ":500/VRF i0:f0]",
        "Initiator SPI : " + spis[0] + " - Responder SPI : 0000000000000000 Message id: 0",
        "IKEv2 IKE_SA_INIT Exchange REQUEST"), after(lines, "IKEv2:Received Packet", 3));
    assertEquals(List.of(tag + "Sending Packet [To " + A + ":500/From " + B + ":500/VRF i0:f0]",
        "Initiator SPI : " + spis[0] + " - Responder SPI : " + spis[1] + " Message id: 0",
        "IKEv2 IKE_SA_INIT Exchange RESPONSE"), after(lines, tag + "Sending Packet", 3));
    assertEquals(List.of(tag + "Received Packet [From " + A + ":500/To " + B + ":500/VRF i0:f0]",
        "Initiator SPI : " + spis[0] + " - Responder SPI : " + spis[1] + " Message id: 1",
        "IKEv2 IKE_AUTH Exchange REQUEST"), after(lines, tag + "Received Packet", 3));
  }

  @Test
  void undebugCryptoIkev2StopsTheTraceAndDebugCryptoIsakmpIsNotIkev2s() {
    TestPeers n = established();
    assertEquals(MgmtMessages.Facility.IKEV2, n.b.trace().facility());
    n.b.trace().set(false);
    log.clear();
    n.b.probe(n.bEvents.up.getFirst().ikeSaId(), 0, ack -> {});
    n.run();
    assertEquals(List.of(), log.stream().filter(l -> l.startsWith("IKEv2:")).toList());
  }

  /** The first line starting with {@code prefix} and the {@code count - 1} lines after it. */
  private static List<String> after(List<String> lines, String prefix, int count) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return lines.subList(i, Math.min(lines.size(), i + count));
      }
    }
    throw new AssertionError("no line starting " + prefix + " in " + lines);
  }
}
