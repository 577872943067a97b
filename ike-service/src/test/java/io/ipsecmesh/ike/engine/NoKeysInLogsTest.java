package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static io.ipsecmesh.ike.engine.TestPeers.WRAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.LogCapture;
import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security rule: keys are never logged. Whole IKEv2 lives with {@code debug crypto isakmp} on (IKE_SA_INIT,
 * IKE_AUTH, Child and IKE SA rekeys, DPD, garbage, a wrong PSK, DELETE), every log record captured, and no
 * SK_* key, Child SA key or pre-shared key may show in it.
 */
class NoKeysInLogsTest {

  private static void keysOf(TestPeers n, Map<String, byte[]> keys) {
    for (IkeEngine e : List.of(n.a, n.b)) {
      for (IkeSa sa : e.table.all()) {
        IkeSaKeys k = sa.keys;
        if (k == null) {
          continue;
        }
        String id = sa.id();
        keys.put("SK_d " + id, k.skD.clone());
        keys.put("SK_ai " + id, k.skAi.clone());
        keys.put("SK_ar " + id, k.skAr.clone());
        keys.put("SK_ei " + id, k.skEi.clone());
        keys.put("SK_er " + id, k.skEr.clone());
        keys.put("SK_pi " + id, k.skPi.clone());
        keys.put("SK_pr " + id, k.skPr.clone());
      }
    }
    for (ChildSa c : n.aEvents.installed) {
      keys.put(String.format("Child SA %08x inbound key", c.inboundSpi()), WRAP.unwrap(c.wrappedInboundKeys()));
      keys.put(String.format("Child SA %08x outbound key", c.inboundSpi()), WRAP.unwrap(c.wrappedOutboundKeys()));
    }
  }

  @Test
  void aWholeNegotiationWithDebugOnLogsNoKey() {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    try (LogCapture log = new LogCapture()) {
      TestPeers n = new TestPeers();
      n.symmetric(List.of(Proposals.parseSuite("aes256-sha256-modp2048"), GCM.get(0)),
          List.of(EspTransform.AES_CBC_256_HMAC_SHA256_128));
      keys.put("pre-shared key", "interop-test-psk-0123456789".getBytes(StandardCharsets.UTF_8));
      n.a.initiate(n.aPolicies.all().get(0));
      n.run();
      assertEquals(1, n.bEvents.up.size());
      keysOf(n, keys);
      assertTrue(n.a.rekeyChild(n.aEvents.installed.get(0).inboundSpi()));
      n.run();
      String ikeSa = n.aEvents.up.get(0).ikeSaId();
      n.a.probe(ikeSa, 0, ack -> { });
      n.run();
      assertTrue(n.b.rekeyIke(n.bEvents.up.get(0).ikeSaId()));
      n.run();
      keysOf(n, keys);
      n.b.receive(TestPeers.B, 500, TestPeers.A, 500, new byte[] {1, 2, 3});
      n.a.clear(null);
      n.run();

      // a wrong pre-shared key: the failure is logged, the keys are not
      TestPeers bad = new TestPeers();
      bad.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
      bad.bPolicies.replace(List.of(TestPeers.policy(TestPeers.B, TestPeers.A, "10.91.2.0", "10.91.1.0",
          "not-the-same-psk-9876543210", GCM, List.of(EspTransform.AES_GCM_128))));
      keys.put("wrong pre-shared key", "not-the-same-psk-9876543210".getBytes(StandardCharsets.UTF_8));
      bad.a.initiate(bad.aPolicies.all().get(0));
      bad.run();
      assertEquals(List.of("negotiation-failed: auth-failed"), bad.aEvents.down);

      assertTrue(keys.size() >= 19, "keys collected (two IKE SAs, two Child SAs, two PSKs): " + keys.keySet());
      assertTrue(log.records() > 30, "debug output was captured: " + log.records() + " records");
      keys.forEach(log::assertNoKey);
    }
  }
}
