package io.ipsecmesh.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.ikev2.StrongswanVectors;
import io.ipsecmesh.proto.ikev2.StrongswanVectors.IkeFrame;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known-answer test against real strongSwan 5.9.8 exchanges: the captures' SK payloads are opened with
 * the SK_ei/SK_er/SK_ai/SK_ar that strongSwan's save-keys plugin wrote, through this gateway's
 * {@link SkCipher}, and the decrypted payloads must be those charon logged, carrying the ESP SPIs of
 * the capture's {@code .esp_sa} file. (SK_d is not in the table, so Child SA KEYMAT cannot be
 * checked from these files; the interop test compares it with a live charon instead.)
 */
class StrongswanSkDecryptionTest {

  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest
  @ValueSource(strings = {"ikev2-psk-gcm-dpd", "ikev2-psk-cbc", "ikev2-natt-keepalive", "ikev2-dpd-timeout"})
  void opensEveryEncryptedMessageWithTheSavedKeys(String capture) throws Exception {
    String[] row = StrongswanVectors.text(capture + ".ikev2_decryption_table").lines().findFirst().orElseThrow()
        .split(",");
    long spiI = Long.parseUnsignedLong(row[0], 16);
    byte[] skEi = HEX.parseHex(row[2]);
    byte[] skEr = HEX.parseHex(row[3]);
    boolean gcm = row[4].contains("GCM");
    IkeSuite suite = gcm
        ? new IkeSuite(EncrAlgorithm.AES_GCM_16, 128, PrfAlgorithm.HMAC_SHA2_256, null, DhGroup.CURVE25519)
        : new IkeSuite(EncrAlgorithm.AES_CBC, 256, PrfAlgorithm.HMAC_SHA2_256, IntegAlgorithm.HMAC_SHA2_256_128,
            DhGroup.MODP_2048);
    byte[] skAi = gcm ? new byte[0] : HEX.parseHex(row[5]);
    byte[] skAr = gcm ? new byte[0] : HEX.parseHex(row[6]);
    SkCipher fromInitiator = new SkCipher(suite, skEi, skAi);
    SkCipher fromResponder = new SkCipher(suite, skEr, skAr);

    Set<String> espSpis = new HashSet<>();
    StrongswanVectors.text(capture + ".esp_sa").lines()
        .forEach(l -> espSpis.add(l.split(",")[3].replace("\"", "").replace("0x", "")));

    int opened = 0;
    Set<String> childSpis = new HashSet<>();
    for (IkeFrame f : StrongswanVectors.ikeFrames(capture)) {
      IkeMessage m = IkeCodec.decode(f.message());
      if (m.header().exchangeType() == IkeConstants.IKE_SA_INIT) {
        continue;
      }
      assertEquals(spiI, m.header().initiatorSpi());
      Payload.Encrypted sk = (Payload.Encrypted) m.payloads().getLast();
      SkCipher c = m.header().isFromInitiator() ? fromInitiator : fromResponder;
      List<Payload> inner = c.open(f.message(), sk);
      opened++;
      if (m.header().exchangeType() == IkeConstants.IKE_AUTH) {
        Payload.Identification id = inner.stream().filter(Payload.Identification.class::isInstance)
            .map(Payload.Identification.class::cast).findFirst().orElseThrow();
        assertEquals(IkeConstants.ID_FQDN, id.idType());
        assertEquals(m.header().isFromInitiator() ? "gwa.interop.test" : "gwb.interop.test",
            new String(id.data(), StandardCharsets.US_ASCII));
        Payload.SecurityAssociation sa = inner.stream().filter(Payload.SecurityAssociation.class::isInstance)
            .map(Payload.SecurityAssociation.class::cast).findFirst().orElseThrow();
        childSpis.add(HEX.formatHex(sa.proposals().get(0).spi()));
        assertTrue(inner.stream().anyMatch(p -> p instanceof Payload.Authentication a
            && a.method() == IkeConstants.AUTH_SHARED_KEY_MIC && a.data().length == 32));
        Payload.TrafficSelectors tsi = inner.stream().filter(p -> p.type() == IkeConstants.PT_TSI)
            .map(Payload.TrafficSelectors.class::cast).findFirst().orElseThrow();
        assertEquals("0a5b0100", HEX.formatHex(tsi.selectors().get(0).startAddress()));
        if (m.header().isFromInitiator()) {
          // charon's request: [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr N(MULT_AUTH) N(EAP_ONLY) N(MSG_ID_SYN_SUP) ]
          assertEquals(10, inner.size());
          assertEquals(IkeConstants.INITIAL_CONTACT, ((Payload.Notify) inner.get(1)).notifyType());
        } else {
          assertEquals(5, inner.size()); // [ IDr AUTH SA TSi TSr ]
        }
      } else {
        assertEquals(IkeConstants.INFORMATIONAL, m.header().exchangeType());
        assertEquals(List.of(), inner); // DPD: empty INFORMATIONAL
      }

      byte[] tampered = f.message().clone();
      tampered[tampered.length - 20] ^= 1;
      IkeMessage t = IkeCodec.decode(tampered);
      assertThrows(SkIntegrityException.class, () -> c.open(tampered, (Payload.Encrypted) t.payloads().getLast()));
    }
    assertTrue(opened >= 2, "opened " + opened);
    assertEquals(espSpis, childSpis, "Child SA SPIs negotiated in IKE_AUTH = SPIs of the ESP SAs");
  }
}
