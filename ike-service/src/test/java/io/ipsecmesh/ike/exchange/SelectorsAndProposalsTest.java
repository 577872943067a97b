package io.ipsecmesh.ike.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.ikev2.StrongswanVectors;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorsAndProposalsTest {

  @Test
  void narrowingIntersectsAddressesPortsAndProtocols() {
    List<Payload.Selector> proposed = Selectors.toWire(List.of(
        TrafficSelector.anyPorts("10.0.0.0", "10.255.255.255"),
        new TrafficSelector("192.168.1.10", "192.168.1.10", 6, 0, 65535)));
    List<Payload.Selector> n = Selectors.narrow(proposed, List.of(
        TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255"),
        new TrafficSelector("192.168.1.0", "192.168.1.255", 0, 443, 443),
        new TrafficSelector("192.168.1.0", "192.168.1.255", 17, 0, 65535)));
    assertEquals(List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255"),
        new TrafficSelector("192.168.1.10", "192.168.1.10", 6, 443, 443)), Selectors.fromWire(n),
        "UDP-only allowance does not match a TCP proposal");
    assertTrue(Selectors.within(n, proposed));
    assertFalse(Selectors.within(Selectors.toWire(List.of(TrafficSelector.anyPorts("10.0.0.0", "11.0.0.0"))),
        proposed), "wider than offered");
    assertEquals(List.of(), Selectors.narrow(proposed, List.of(TrafficSelector.anyPorts("172.16.0.0",
        "172.16.255.255"))));
    assertEquals(List.of(), Selectors.narrow(proposed, List.of(TrafficSelector.anyPorts("::", "ffff::"))),
        "IPv6 allowance never matches IPv4 proposals");
  }

  @Test
  void selectsFromStrongswansRealOfferAndAnswersWithOneTransformPerType() throws Exception {
    IkeMessage init = IkeCodec.decode(StrongswanVectors.ikeFrames("ikev2-psk-cbc").get(0).message());
    Payload.SecurityAssociation offer = init.first(Payload.SecurityAssociation.class).orElseThrow();
    IkeSuite ours = Proposals.parseSuite("aes256-sha256-modp2048");
    Proposals.IkeChoice c = Proposals.selectIke(offer, List.of(Proposals.parseSuite("aes128gcm16-prfsha256-x25519"),
        ours)).orElseThrow();
    assertEquals(ours, c.suite());
    Payload.SecurityAssociation answer = new Payload.SecurityAssociation(List.of(ours.toProposal(c.proposalNumber(),
        new byte[0])));
    assertEquals(ours, Proposals.acceptedIke(answer, List.of(ours)).orElseThrow());
    assertTrue(Proposals.selectIke(offer, List.of(Proposals.parseSuite("aes256-sha512-modp2048"))).isEmpty());
  }

  @Test
  void espSelectionHonoursPfsAndEsn() {
    Payload.SecurityAssociation noPfs = Proposals.espOffer(List.of(EspTransform.AES_GCM_256,
        EspTransform.AES_CBC_256_HMAC_SHA256_128), new byte[] {1, 2, 3, 4}, null);
    assertEquals(EspTransform.AES_CBC_256_HMAC_SHA256_128, Proposals.selectEsp(noPfs,
        List.of(EspTransform.AES_CBC_256_HMAC_SHA256_128), null).orElseThrow().transform());
    assertTrue(Proposals.selectEsp(noPfs, List.of(EspTransform.AES_GCM_128), null).isEmpty(), "key length matters");
    assertTrue(Proposals.selectEsp(noPfs, List.of(EspTransform.AES_GCM_256), DhGroup.ECP_256).isEmpty(),
        "set pfs needs a DH transform in the offer");
    Payload.SecurityAssociation pfs = Proposals.espOffer(List.of(EspTransform.AES_GCM_256), new byte[] {1, 2, 3, 4},
        DhGroup.ECP_256);
    assertTrue(Proposals.selectEsp(pfs, List.of(EspTransform.AES_GCM_256), DhGroup.ECP_256).isPresent());
    assertTrue(Proposals.selectEsp(pfs, List.of(EspTransform.AES_GCM_256), DhGroup.CURVE25519).isEmpty());
    Payload.SecurityAssociation esnOnly = new Payload.SecurityAssociation(List.of(new Payload.Proposal(1,
        IkeConstants.PROTO_ESP, new byte[] {1, 2, 3, 4}, List.of(
            Payload.Transform.withKeyLength(IkeConstants.TRANSFORM_ENCR, IkeConstants.ENCR_AES_GCM_16, 256),
            Payload.Transform.of(IkeConstants.TRANSFORM_ESN, IkeConstants.ESN_YES)))));
    Proposals.EspChoice esn = Proposals.selectEsp(esnOnly, List.of(EspTransform.AES_GCM_256), null).orElseThrow();
    assertTrue(esn.esn(), "a peer offering only ESN gets ESN");
  }

  private static List<Integer> esnIds(Payload.Proposal p) {
    return p.transforms().stream().filter(t -> t.transformType() == IkeConstants.TRANSFORM_ESN)
        .map(Payload.Transform::transformId).toList();
  }

  private static Payload.SecurityAssociation cbcOffer(int... esnIds) {
    List<Payload.Transform> t = new java.util.ArrayList<>(List.of(
        Payload.Transform.withKeyLength(IkeConstants.TRANSFORM_ENCR, IkeConstants.ENCR_AES_CBC, 256),
        Payload.Transform.of(IkeConstants.TRANSFORM_INTEG, IkeConstants.AUTH_HMAC_SHA2_256_128)));
    for (int id : esnIds) {
      t.add(Payload.Transform.of(IkeConstants.TRANSFORM_ESN, id));
    }
    return new Payload.SecurityAssociation(List.of(new Payload.Proposal(1, IkeConstants.PROTO_ESP,
        new byte[] {9, 9, 9, 9}, t)));
  }

  /** RFC 7296 §3.3.2 transform type 5: chosen when the peer offers it, answered with exactly the chosen value. */
  @Test
  void extendedSequenceNumbersAreNegotiatedWhenThePeerOffersThem() {
    List<EspTransform> ours = List.of(EspTransform.AES_CBC_256_HMAC_SHA256_128);
    // strongSwan "aes256-sha256-esn" / "-noesn" / "-esn-noesn" (both, ESN first) / "-noesn-esn"
    assertTrue(Proposals.selectEsp(cbcOffer(IkeConstants.ESN_YES), ours, null).orElseThrow().esn());
    assertFalse(Proposals.selectEsp(cbcOffer(IkeConstants.ESN_NO), ours, null).orElseThrow().esn());
    assertTrue(Proposals.selectEsp(cbcOffer(IkeConstants.ESN_YES, IkeConstants.ESN_NO), ours, null).orElseThrow()
        .esn());
    assertTrue(Proposals.selectEsp(cbcOffer(IkeConstants.ESN_NO, IkeConstants.ESN_YES), ours, null).orElseThrow()
        .esn());
    assertFalse(Proposals.selectEsp(cbcOffer(), ours, null).orElseThrow().esn(), "no ESN transform: 32-bit");
    assertTrue(Proposals.selectEsp(cbcOffer(7), ours, null).isEmpty(), "an ESN value we do not know");

    for (boolean esn : new boolean[] {true, false}) {
      Proposals.EspChoice c = Proposals.selectEsp(cbcOffer(esn ? IkeConstants.ESN_YES : IkeConstants.ESN_NO), ours,
          null).orElseThrow();
      Payload.SecurityAssociation answer = Proposals.espAnswer(c, new byte[] {1, 2, 3, 4}, null);
      assertEquals(List.of(esn ? IkeConstants.ESN_YES : IkeConstants.ESN_NO), esnIds(answer.proposals().get(0)));
      // the initiator reads the answer with the same selection: it learns the responder's choice
      assertEquals(esn, Proposals.selectEsp(answer, ours, null).orElseThrow().esn());
    }
  }

  @Test
  void ourOfferCarriesBothEsnValuesEsnFirst() {
    Payload.SecurityAssociation offer = Proposals.espOffer(List.of(EspTransform.AES_GCM_256,
        EspTransform.AES_CBC_256_HMAC_SHA256_128), new byte[] {1, 2, 3, 4}, DhGroup.ECP_256);
    for (Payload.Proposal p : offer.proposals()) {
      assertEquals(List.of(IkeConstants.ESN_YES, IkeConstants.ESN_NO), esnIds(p));
    }
  }
}
