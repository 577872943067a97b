package io.ipsecmesh.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.EspTransform;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyDerivationTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void hmacSha256PrfMatchesRfc4231TestCase2() {
    // RFC 4231 §4.3 (also RFC 4868 §2.7.2.1 PRF-HMAC-SHA-256 test case 2)
    byte[] out = PrfAlgorithm.HMAC_SHA2_256.prf("Jefe".getBytes(StandardCharsets.US_ASCII),
        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", HEX.formatHex(out));
  }

  @Test
  void prfPlusChainsBlocksAsRfc7296Section2_13() throws Exception {
    byte[] key = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] seed = "seed".getBytes(StandardCharsets.US_ASCII);
    byte[] out = PrfAlgorithm.HMAC_SHA2_256.prfPlus(key, seed, 70);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] t1 = mac.doFinal(concat(seed, new byte[] {1}));
    byte[] t2 = mac.doFinal(concat(t1, seed, new byte[] {2}));
    byte[] t3 = mac.doFinal(concat(t2, seed, new byte[] {3}));
    assertArrayEquals(Arrays.copyOf(concat(t1, t2, t3), 70), out);
  }

  @Test
  void ikeSaKeysSplitPrfPlusOutputInRfcOrder() {
    IkeSuite gcm = new IkeSuite(EncrAlgorithm.AES_GCM_16, 128, PrfAlgorithm.HMAC_SHA2_256, null, DhGroup.CURVE25519);
    byte[] ni = new byte[32];
    byte[] nr = new byte[32];
    Arrays.fill(nr, (byte) 1);
    byte[] gir = new byte[32];
    Arrays.fill(gir, (byte) 7);
    IkeSaKeys k = IkeSaKeys.derive(gcm, gir, ni, nr, 0x1122334455667788L, 0x99aabbccddeeff00L);
    byte[] skeyseed = PrfAlgorithm.HMAC_SHA2_256.prf(concat(ni, nr), gir);
    byte[] stream = PrfAlgorithm.HMAC_SHA2_256.prfPlus(skeyseed,
        concat(ni, nr, HEX.parseHex("1122334455667788"), HEX.parseHex("99aabbccddeeff00")), 32 + 20 + 20 + 32 + 32);
    assertArrayEquals(Arrays.copyOfRange(stream, 0, 32), k.skD);
    assertEquals(0, k.skAi.length);
    assertArrayEquals(Arrays.copyOfRange(stream, 32, 52), k.skEi);
    assertArrayEquals(Arrays.copyOfRange(stream, 52, 72), k.skEr);
    assertArrayEquals(Arrays.copyOfRange(stream, 72, 104), k.skPi);
    assertArrayEquals(Arrays.copyOfRange(stream, 104, 136), k.skPr);
    k.destroy();
    assertArrayEquals(new byte[32], k.skD);

    ChildKeymat km = ChildKeymat.derive(PrfAlgorithm.HMAC_SHA2_256, stream, EspTransform.AES_CBC_256_HMAC_SHA256_128,
        null, ni, nr);
    byte[] keymat = PrfAlgorithm.HMAC_SHA2_256.prfPlus(stream, concat(ni, nr), 128);
    assertArrayEquals(Arrays.copyOfRange(keymat, 0, 64), km.initiatorToResponder());
    assertArrayEquals(Arrays.copyOfRange(keymat, 64, 128), km.responderToInitiator());
  }

  @ParameterizedTest
  @EnumSource(DhGroup.class)
  void bothSidesAgreeOnTheSharedSecret(DhGroup group) throws Exception {
    DhGroup.Exchange a = group.newExchange();
    DhGroup.Exchange b = group.newExchange();
    assertEquals(group.publicValueBytes, a.publicValue().length);
    byte[] s1 = a.sharedSecret(b.publicValue());
    byte[] s2 = b.sharedSecret(a.publicValue());
    assertArrayEquals(s1, s2);
    // MODP (groups 14 and the legacy 1, 2, 5): g^ir padded to the modulus length (RFC 7296 §2.14)
    assertEquals(group.modp() ? group.publicValueBytes : group == DhGroup.ECP_384 ? 48 : 32, s1.length);
  }

  @ParameterizedTest
  @EnumSource(DhGroup.class)
  void rejectsInvalidPeerPublicValues(DhGroup group) {
    DhGroup.Exchange a = group.newExchange();
    byte[] bad = new byte[group.publicValueBytes];
    if (group.modp()) {
      bad[bad.length - 1] = 1; // y = 1
    } else if (group != DhGroup.CURVE25519) {
      bad[0] = 1; // (x, 0) with this x is not on the curve
    }
    // X25519: the all-zero u is a small-order point, yielding an all-zero secret
    assertThrows(GeneralSecurityException.class, () -> a.sharedSecret(bad));
    assertThrows(GeneralSecurityException.class, () -> a.sharedSecret(new byte[3]));
  }

  @Test
  void pskAuthFollowsSection2_15AndComparesConstantTime() {
    PrfAlgorithm prf = PrfAlgorithm.HMAC_SHA2_256;
    byte[] psk = "interop-test-psk-0123456789".getBytes(StandardCharsets.US_ASCII);
    Payload.Identification id = new Payload.Identification(true, IkeConstants.ID_FQDN,
        "gwa.interop.test".getBytes(StandardCharsets.US_ASCII));
    byte[] msg = {1, 2, 3};
    byte[] nonce = new byte[32];
    byte[] skP = new byte[32];
    byte[] auth = PskAuthenticator.authData(prf, psk, msg, nonce, skP, id);
    byte[] rest = concat(new byte[] {IkeConstants.ID_FQDN, 0, 0, 0}, id.data());
    byte[] expected = prf.prf(prf.prf(psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII)),
        concat(msg, nonce, prf.prf(skP, rest)));
    assertArrayEquals(expected, auth);
    assertEquals(true, PskAuthenticator.verify(expected, auth));
    byte[] wrong = PskAuthenticator.authData(prf, "other".getBytes(StandardCharsets.US_ASCII), msg, nonce, skP, id);
    assertEquals(false, PskAuthenticator.verify(expected, wrong));
  }

  private static byte[] concat(byte[]... p) {
    return IkeSaKeys.concat(p);
  }
}
