package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static io.ipsecmesh.ike.v1.TwoGateways.WRAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.LogCapture;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security rule: keys are never logged, IKEv1 too. Main Mode, Quick Mode with PFS, a Quick Mode rekey, DPD,
 * garbage, DELETEs and a wrong pre-shared key, every log record of every level captured: no SKEYID*, phase-1
 * encryption key, Child SA key or pre-shared key may show in it.
 */
class Ikev1NoKeysInLogsTest {

  private static final String PSK = "ikev1-loopback-psk";

  private static void keysOf(TwoGateways g, Map<String, byte[]> keys) {
    for (Ikev1Engine e : List.of(g.serviceA.engine(), g.serviceB.engine())) {
      for (IsakmpSa sa : e.table.sas.values()) {
        if (sa.keys != null) {
          keys.put("SKEYID " + sa.id(), sa.keys.skeyid().clone());
          keys.put("SKEYID_d " + sa.id(), sa.keys.skeyidD().clone());
          keys.put("SKEYID_a " + sa.id(), sa.keys.skeyidA().clone());
          keys.put("phase-1 encryption key " + sa.id(), sa.keys.encryptionKey().clone());
        }
      }
    }
    for (ChildSa c : g.a.children) {
      keys.put(String.format("Child SA %08x inbound key", c.inboundSpi()), WRAP.unwrap(c.wrappedInboundKeys()));
      keys.put(String.format("Child SA %08x outbound key", c.inboundSpi()), WRAP.unwrap(c.wrappedOutboundKeys()));
    }
  }

  @Test
  void aWholeIkev1LifeLogsNoKey() {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    try (LogCapture log = new LogCapture()) {
      TwoGateways g = new TwoGateways();
      Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
      EspTransform esp = EspTransform.AES_CBC_256_HMAC_SHA256_128;
      g.configure(TwoGateways.withPfs(TwoGateways.policy(A, B, PSK, s, esp, "10.1.0", "10.2.0"), 19),
          TwoGateways.withPfs(TwoGateways.policy(B, A, PSK, s, esp, "10.2.0", "10.1.0"), 19));
      keys.put("pre-shared key", PSK.getBytes(StandardCharsets.UTF_8));
      g.serviceA.acquire("vpn", 10, null);
      g.pump();
      assertEquals(1, g.a.children.size());
      keysOf(g, keys);
      assertTrue(g.serviceA.rekeyChild(g.a.children.get(0).inboundSpi()));
      g.pump();
      keysOf(g, keys);
      g.serviceA.probe(new io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest(g.a.up.get(0).ikeSaId(), B, 0, 2000),
          outcome -> { });
      g.pump();
      g.serviceB.receive(new IkeDatagram(B, 500, A, 500, new byte[40]), d -> { });
      g.serviceA.clear(null, "test");
      g.pump();

      TwoGateways bad = new TwoGateways();
      bad.configure(TwoGateways.policy(A, B, PSK, s, esp, "10.1.0", "10.2.0"),
          TwoGateways.policy(B, A, "a-different-psk-1357", s, esp, "10.2.0", "10.1.0"));
      keys.put("wrong pre-shared key", "a-different-psk-1357".getBytes(StandardCharsets.UTF_8));
      bad.serviceA.acquire("vpn", 10, null);
      bad.pump();
      bad.advance(60_000);
      assertTrue(bad.a.up.isEmpty());

      assertTrue(keys.size() >= 10, "keys collected (one ISAKMP SA, two Child SAs, two PSKs): " + keys.keySet());
      assertTrue(log.records() >= 5, "log output was captured: " + log.records() + " records");
      keys.forEach(log::assertNoKey);
    }
  }
}
