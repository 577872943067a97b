package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.ike.crypto.DhGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Ikev1Proposals#agreed} and {@link Ikev1Proposals#agreedWithChoice}: the phase-1 suite both sides hold, as
 * the responder picks it from an offer and as the initiator checks the responder's pick (RFC 2409 §5).
 */
class Ikev1ProposalsAgreementTest {

  private static final Ikev1Suite AES256_SHA256_G14 = new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.byId(14), 86_400);
  private static final Ikev1Suite AES128_SHA1_G14 = new Ikev1Suite(128, Ikev1Hash.SHA1, DhGroup.byId(14), 3_600);

  @Test
  void theSameSuiteAgreesWithTheShorterLifetime() {
    Ikev1Suite theirs = new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.byId(14), 28_800);
    assertEquals(theirs, Ikev1Proposals.agreed(AES256_SHA256_G14, theirs));
    assertEquals(new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.byId(14), 86_400),
        Ikev1Proposals.agreed(AES256_SHA256_G14, new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.byId(14), 90_000)),
        "a longer lifetime offered is cut to ours");
  }

  @Test
  void anyOtherDifferenceIsNoAgreement() {
    assertNull(Ikev1Proposals.agreed(AES256_SHA256_G14, new Ikev1Suite(128, Ikev1Hash.SHA2_256, DhGroup.byId(14),
        86_400)), "key size");
    assertNull(Ikev1Proposals.agreed(AES256_SHA256_G14, new Ikev1Suite(256, Ikev1Hash.SHA1, DhGroup.byId(14),
        86_400)), "hash");
    assertNull(Ikev1Proposals.agreed(AES256_SHA256_G14, new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.byId(19),
        86_400)), "group");
    assertNull(Ikev1Proposals.agreed(AES256_SHA256_G14, new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.byId(14),
        86_400, true)), "3DES");
  }

  @Test
  void theInitiatorAcceptsOnlyAChoiceItOffered() {
    List<Ikev1Suite> offered = List.of(AES256_SHA256_G14, AES128_SHA1_G14);
    Ikev1Suite chosen = new Ikev1Suite(128, Ikev1Hash.SHA1, DhGroup.byId(14), 86_400);
    assertEquals(new Ikev1Suite(128, Ikev1Hash.SHA1, DhGroup.byId(14), 3_600),
        Ikev1Proposals.agreedWithChoice(offered, chosen), "the second offer, with our shorter lifetime");
    assertNull(Ikev1Proposals.agreedWithChoice(offered, new Ikev1Suite(192, Ikev1Hash.SHA1, DhGroup.byId(14),
        86_400)), "not offered: NO-PROPOSAL-CHOSEN");
    assertNull(Ikev1Proposals.agreedWithChoice(List.of(), chosen));
  }
}
