package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpPayload;
import io.ipsecmesh.proto.ikev1.PayloadChain;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of the IKEv1 engine's receive path: one datagram from the peer to a
 * responder configured through the production path ({@link Ikev1Service#configure}, as {@code IkeVerticle}
 * applies {@code config.changed}), on a virtual clock that then runs 130 s so that the half-open timeout and
 * retransmissions the datagram armed fire too. The configuration is gwb of the strongSwan IKEv1 capture
 * (corpus {@code Ikev1EngineJazzerFuzzTestInputs/receive/}: its Main Mode, Quick Mode and DPD messages).
 *
 * <p>Property: no exception escapes {@link Ikev1Service#receive} (the verticle would only log it), at most
 * one answer per datagram, no Child SA and no peer-up from one unauthenticated datagram.
 * ({@link Ikev1EngineFuzzTest} keeps the seeded tamper loop over a whole session.)
 */
class Ikev1EngineJazzerFuzzTest {

  static final String GWA = "172.31.255.1";
  static final String GWB = "172.31.255.2";

  /**
   * <pre>
   * crypto isakmp policy 10
   *  encryption aes 256
   *  hash sha256
   *  authentication pre-share
   *  group 14
   * crypto isakmp key interop-test-psk-0123456789 address 172.31.255.1
   * crypto ipsec transform-set CBC esp-aes 256 esp-sha256-hmac
   * access-list 101 permit ip 10.91.2.0 0.0.0.255 10.91.1.0 0.0.0.255
   * crypto map VPN 10 ipsec-isakmp
   *  set peer 172.31.255.1
   *  set transform-set CBC
   *  match address 101
   * interface wan0
   *  ip address 172.31.255.2 255.255.255.0
   *  crypto map VPN
   * </pre>
   */
  static GatewayConfig gwb() {
    AccessList acl = new AccessList("101", true, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("10.91.2.0", "0.0.0.255"), null,
            new AddressMatch("10.91.1.0", "0.0.0.255"), null, null)));
    CryptoMapEntry map = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(GWA),
        List.of("CBC"), null, null, "101", null, null, null);
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400)))
        .isakmpKeys(List.of(new IsakmpKey("interop-test-psk-0123456789", GWA, null)))
        .transformSets(List.of(new TransformSet("CBC", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(map))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("wan0", GWB, "255.255.255.0", null, "VPN", null, null)))
        .build();
  }

  private static final GatewayConfig CONFIG = gwb();

  @FuzzTest
  void receive(byte[] datagram) {
    VirtualScheduler clock = new VirtualScheduler();
    TwoGateways.Events events = new TwoGateways.Events();
    List<IkeDatagram> sent = new ArrayList<>();
    Ikev1Service service = responder(clock, events, sent);
    if (!service.handles(datagram)) {
      return; // IkeVerticle hands such a datagram to the IKEv2 engine
    }
    service.receive(new IkeDatagram(GWB, 500, GWA, 500, datagram), sent::add);
    assertTrue(sent.size() <= 1, "one datagram, at most one answer: " + sent.size());
    clock.advance(130_000);
    assertTrue(events.children.isEmpty() && events.up.isEmpty(), "state from one unauthenticated datagram");
  }

  /** The seeds reach the exchanges: strongSwan's captured Main Mode 1 gets a Main Mode 2 with our SA choice. */
  @Test
  void theResponderAnswersTheCapturedMainModeOne() throws Exception {
    List<IkeDatagram> sent = new ArrayList<>();
    Ikev1Service service = responder(new VirtualScheduler(), new TwoGateways.Events(), sent);
    assertEquals(1, service.policyCount(), "the configuration resolves to gwa's policy");
    byte[] mm1;
    try (InputStream in = Ikev1EngineJazzerFuzzTest.class.getResourceAsStream(
        "Ikev1EngineJazzerFuzzTestInputs/receive/ikev1-psk-main-dpd-frame001-172.31.255.1-to-172.31.255.2")) {
      mm1 = in.readAllBytes();
    }
    service.receive(new IkeDatagram(GWB, 500, GWA, 500, mm1), sent::add);
    assertEquals(1, sent.size());
    PayloadChain mm2 = IsakmpCodec.decode(sent.getFirst().message());
    assertTrue(mm2.first(IsakmpPayload.SecurityAssociation.class) != null, "a proposal was chosen");
  }

  private static Ikev1Service responder(VirtualScheduler clock, TwoGateways.Events events, List<IkeDatagram> sent) {
    Ikev1Service service = new Ikev1Service(clock, events, TwoGateways.WRAP, RetransmitPolicy.DEFAULT, sent::add);
    service.configure(CONFIG, GWB);
    return service;
  }
}
