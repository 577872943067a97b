package io.ipsecmesh.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/**
 * The DH groups agree with each other's public values, and X25519 (Bouncy Castle's rfc7748) agrees with the JDK's
 * XDH in both directions — the peer's implementation is never ours — and refuses what RFC 8031 §2.1 / RFC 7748 §6.1
 * say must be refused.
 */
class DhGroupTest {

  private static final byte[] X25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b656e032100");

  @Test
  void everyGroupAgreesWithItself() throws GeneralSecurityException {
    for (DhGroup g : new DhGroup[] {DhGroup.CURVE25519, DhGroup.ECP_256, DhGroup.ECP_384, DhGroup.MODP_2048}) {
      DhGroup.Exchange a = g.newExchange();
      DhGroup.Exchange b = g.newExchange();
      assertEquals(g.publicValueBytes, a.publicValue().length, g.name());
      assertArrayEquals(a.sharedSecret(b.publicValue()), b.sharedSecret(a.publicValue()), g.name());
    }
  }

  @Test
  void x25519AgreesWithTheJdksXdhBothWays() throws Exception {
    for (int i = 0; i < 20; i++) {
      DhGroup.Exchange ours = DhGroup.CURVE25519.newExchange();
      KeyPair jdk = KeyPairGenerator.getInstance("X25519").generateKeyPair();
      byte[] spki = jdk.getPublic().getEncoded();
      byte[] jdkPublic = Arrays.copyOfRange(spki, spki.length - 32, spki.length);

      KeyAgreement ka = KeyAgreement.getInstance("X25519");
      ka.init(jdk.getPrivate());
      byte[] oursSpki = Arrays.copyOf(X25519_SPKI_PREFIX, X25519_SPKI_PREFIX.length + 32);
      System.arraycopy(ours.publicValue(), 0, oursSpki, X25519_SPKI_PREFIX.length, 32);
      ka.doPhase(KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(oursSpki)), true);

      assertArrayEquals(ka.generateSecret(), ours.sharedSecret(jdkPublic));
    }
  }

  @Test
  void x25519RefusesSmallOrderPublicValues() {
    DhGroup.Exchange ours = DhGroup.CURVE25519.newExchange();
    // u = 0 and u = 1 are points of small order: the shared secret would be all zero (RFC 7748 §6.1)
    byte[] zero = new byte[32];
    byte[] one = new byte[32];
    one[0] = 1;
    assertThrows(GeneralSecurityException.class, () -> ours.sharedSecret(zero));
    assertThrows(GeneralSecurityException.class, () -> ours.sharedSecret(one));
  }

  @Test
  void refusesKeDataOfTheWrongLength() {
    DhGroup.Exchange ours = DhGroup.CURVE25519.newExchange();
    assertThrows(GeneralSecurityException.class, () -> ours.sharedSecret(new byte[31]));
    assertThrows(GeneralSecurityException.class, () -> ours.sharedSecret(new byte[64]));
  }

  @Test
  void x25519KeyPairsDiffer() {
    assertEquals(false, Arrays.equals(DhGroup.CURVE25519.newExchange().publicValue(),
        DhGroup.CURVE25519.newExchange().publicValue()));
  }
}
