package io.ipsecmesh.ike.seam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.policy.PeerAuthorization;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.v1.Ikev1Hash;
import io.ipsecmesh.ike.v1.Ikev1Policy;
import io.ipsecmesh.ike.v1.Ikev1Service;
import io.ipsecmesh.ike.v1.Ikev1Suite;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Routing between the real IKEv1 and IKEv2 engines: a datagram goes to the engine owning the SA its SPIs name,
 * whatever its header's version says; only a datagram of no SA goes by version; a command by the owner of the
 * IKE SA, Child SA or crypto map entry it names; a {@code debug crypto} facility to the engine tracing under it.
 */
class IkeProtocolsTest {

  private static final String GW = "192.0.2.1";
  private static final String V1_PEER = "192.0.2.11";
  private static final String V2_PEER = "192.0.2.12";
  private static final byte[] V2_KEY = "v2-key-0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final VirtualScheduler clock = new VirtualScheduler();
  private final List<byte[]> v1Sent = new ArrayList<>();
  private final List<byte[]> v2Sent = new ArrayList<>();
  private final Ikev1Service v1 = new Ikev1Service(clock, new IkeEventSink() {}, new KeyWrap(new byte[32]),
      RetransmitPolicy.DEFAULT, d -> v1Sent.add(d.message()));
  private final PolicyStore v2Policies = new PolicyStore();
  private final IkeEngine v2 = new IkeEngine(clock, (la, lp, pa, pp, m) -> v2Sent.add(m), new IkeEventSink() {},
      v2Policies, new KeyWrap(new byte[32]), RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, clock::nowMillis);
  private final IkeProtocols protocols = new IkeProtocols(List.of(v1, v2));

  private static IdentityMatch gateway() {
    return new IdentityMatch(IkeIdentity.Type.ADDRESS, "0.0.0.0 0.0.0.0", false);
  }

  private void configure() {
    v1.setPolicies(List.of(new Ikev1Policy("VPN", 10, V1_PEER, GW,
        new Ikev1Policy.Identity(IsakmpConstants.ID_IPV4_ADDR, GW),
        PeerAuthorization.preShared(List.of(gateway())), "v1-key-0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        List.of(new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.byId(14), 86_400)),
        List.of(EspTransform.AES_CBC_256_HMAC_SHA256_128), null, List.of(TrafficSelector.anyPorts("10.2.0.0",
        "10.2.0.255")), List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.0.255")), ChildSa.Mode.TUNNEL, 64,
        3600, 4_608_000, 0, "copy")));
    v2Policies.replace(List.of(new PeerPolicy("VPN", 20, V2_PEER, GW,
        new PeerPolicy.Identity(IkeConstants.ID_IPV4_ADDR, GW), PeerAuthorization.preShared(List.of(gateway())),
        V2_KEY, V2_KEY, List.of(Proposals.parseSuite("aes256gcm16-prfsha256-ecp256")),
        List.of(EspTransform.AES_GCM_256), null, List.of(TrafficSelector.anyPorts("10.3.0.0", "10.3.0.255")),
        List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.0.255")), ChildSa.Mode.TUNNEL, 64, 3600, 4_608_000, 0,
        "copy", 86400)));
  }

  /** {@code message} with the major version of its header set to {@code major}. */
  private static byte[] withVersion(byte[] message, int major) {
    byte[] b = message.clone();
    b[17] = (byte) (major << 4);
    return b;
  }

  @Test
  void aDatagramGoesToTheOwnerOfItsSpisAndOnlyANewOneByItsHeadersVersion() {
    configure();
    v1.acquire("VPN", 10, null);
    v2.initiate(v2Policies.all().getFirst());
    byte[] mm1 = v1Sent.getFirst();
    byte[] init = v2Sent.getFirst();
    assertEquals(1, (mm1[17] & 0xf0) >>> 4);
    assertEquals(2, (init[17] & 0xf0) >>> 4);

    assertSame(v1, protocols.forDatagram(mm1));
    assertSame(v2, protocols.forDatagram(init));
    // the SA decides, not the version: a version-2 header on the ISAKMP SA's cookies is the IKEv1 engine's
    // (whose codec then refuses it), a version-1 header on the IKE SA's SPIs the IKEv2 engine's
    assertSame(v1, protocols.forDatagram(withVersion(mm1, 2)));
    assertSame(v2, protocols.forDatagram(withVersion(init, 1)));

    // no SA: the header's version picks; no known version, or no header: the newest protocol drops and counts it
    byte[] fresh = withVersion(init, 1);
    Arrays.fill(fresh, 0, 16, (byte) 0x5a);
    assertSame(v1, protocols.forDatagram(fresh));
    assertSame(v2, protocols.forDatagram(withVersion(fresh, 2)));
    assertSame(v2, protocols.forDatagram(withVersion(fresh, 3)));
    assertSame(v2, protocols.forDatagram(new byte[10]));
  }

  @Test
  void commandsGoToTheOwnerOfTheSaOrCryptoMapEntryTheyName() {
    configure();
    v1.acquire("VPN", 10, null);
    String v2Sa = v2.initiate(v2Policies.all().getFirst());
    String v1Sa = v1.ikeSaIdFor(V1_PEER);
    assertSame(v1, protocols.owningIkeSa(v1Sa).orElseThrow());
    assertSame(v2, protocols.owningIkeSa(v2Sa).orElseThrow());
    assertFalse(protocols.owningIkeSa("0000000000000001:0000000000000002").isPresent(), "an SA nobody holds");
    assertSame(v1, protocols.owningMapEntry("VPN", 10).orElseThrow());
    assertSame(v2, protocols.owningMapEntry("VPN", 20).orElseThrow());
    assertFalse(protocols.owningMapEntry("VPN", 30).isPresent());
    assertFalse(protocols.owningChildSa(0x1234).isPresent(), "no Child SA yet");
  }

  @Test
  void debugCryptoIsakmpReachesIkev1AndDebugCryptoIkev2ReachesIkev2() {
    assertEquals(List.of(v1), protocols.tracing(MgmtMessages.Facility.ISAKMP));
    assertEquals(List.of(v2), protocols.tracing(MgmtMessages.Facility.IKEV2));
    assertEquals(List.of(), protocols.tracing(MgmtMessages.Facility.IPSEC));
    protocols.tracing(MgmtMessages.Facility.ISAKMP).forEach(p -> p.trace().set(true));
    assertTrue(v1.trace().on());
    assertFalse(v2.trace().on());
  }
}
