package io.ipsecmesh.proto.kek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KekTest {

  private static final String HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  @Test
  void hkdfMatchesRfc5869TestCase1() {
    // RFC 5869 Appendix A.1; our HKDF stops after T(1): the first 32 bytes of the 42-byte OKM
    byte[] ikm = HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c");
    byte[] info = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
        HexFormat.of().formatHex(Kek.hkdf32(salt, ikm, info)));
  }

  @Test
  void eachPurposeGetsItsOwnKeyAndTheProofDependsOnTheKek() {
    Kek a = Kek.parseHex(HEX, "test");
    assertNotEquals(HexFormat.of().formatHex(a.derive("bus-hmac")), HexFormat.of().formatHex(a.derive("config-secrets")));
    assertEquals(a.proof(), Kek.parseHex(HEX.toUpperCase(), "again").proof());
    assertEquals(32, a.proof().length());
    Kek b = Kek.parseHex(HEX.replace("1f", "1e"), "other");
    assertNotEquals(a.proof(), b.proof());
    assertTrue(a.sameKey(Kek.parseHex(HEX, "x")));
    assertFalse(a.sameKey(b));
  }

  @Test
  void aMalformedKekIsRefusedWithoutEchoingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kek.parseHex("secretsecret", "F"));
    assertEquals("F: a KEK is 64 hex digits (32 bytes), got 12 characters that are not all hex digits", e.getMessage());
    assertFalse(Kek.parseHex(HEX, "F").toString().contains("0102"));
  }
}
