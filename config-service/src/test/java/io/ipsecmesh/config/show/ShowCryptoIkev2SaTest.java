package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code show crypto ikev2 sa [detailed]}. The seeds name the command (DPD chapter, IKEv2 profile
 * example) but print no sample, so the layout is IOS XE's as the command reference shows it.
 */
class ShowCryptoIkev2SaTest {

  private static final long CREATED = 1_700_000_000_000L;

  private static IkeSaSummary sa() {
    return new IkeSaSummary("8af0e2e3e3c16c6e:6a8e1d2a4f7f0b75", "10.2.2.2", "10.1.1.1", "READY", 1, "ACTIVE",
        "10.2.2.2", 2, 500, 500, "initiator", CREATED,
        new IkeSaSummary.Detail("AES-CBC", 256, "SHA256", "SHA256", 19, "PSK", "PSK", 86400, "8AF0E2E3E3C16C6E",
            "6A8E1D2A4F7F0B75", "10.1.1.1", false, false));
  }

  @Test
  void summaryLayout() {
    String out = ShowCryptoIkev2Sa.render(GatewayConfig.empty(), List.of(sa()), false, CREATED + 120_000);
    assertEquals("""
         IPv4 Crypto IKEv2  SA\s

        Tunnel-id Local                 Remote                fvrf/ivrf            Status\s
        1         10.1.1.1/500          10.2.2.2/500          none/none            READY \s
              Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:19, Auth sign: PSK, Auth verify: PSK
              Life/Active Time: 86400/120 sec

         IPv6 Crypto IKEv2  SA\s

        """, out);
  }

  @Test
  void detailedAddsSpisIdentitiesDpdAndNat() {
    String out = ShowCryptoIkev2Sa.render(GatewayConfig.empty(), List.of(sa()), true, CREATED + 120_000);
    assertEquals(List.of(
        "      Session-id: 1",
        "      Status Description: Negotiation done",
        "      Local spi: 8AF0E2E3E3C16C6E       Remote spi: 6A8E1D2A4F7F0B75",
        "      Local id: 10.1.1.1",
        "      Remote id: 10.2.2.2",
        "      DPD is not configured",
        "      NAT-T is not detected  ",
        "      Initiator of SA : Yes"), out.lines().skip(6).limit(8).toList());
  }

  @Test
  void ikev1SasAreLeftToShowCryptoIsakmpSaAndAnOldWriterPrintsUnknown() {
    IkeSaSummary v1 = new IkeSaSummary("a:b", "10.2.2.2", "10.1.1.1", "QM_IDLE", 500_001, "ACTIVE", "", 1, 500, 500,
        "initiator", CREATED);
    IkeSaSummary old = new IkeSaSummary("c:d", "2001:db8::2", "2001:db8::1", "IN-NEG", 2, "ACTIVE", "", 2, 500, 500,
        "responder", CREATED);
    String out = ShowCryptoIkev2Sa.render(GatewayConfig.empty(), List.of(v1, old), false, CREATED);
    assertEquals(List.of(" IPv4 Crypto IKEv2  SA ", "", " IPv6 Crypto IKEv2  SA ", "",
        "Tunnel-id Local                 Remote                fvrf/ivrf            Status ",
        "2         2001:DB8::1/500       2001:DB8::2/500       none/none            IN-NEG ",
        "      Encr: unknown, PRF: unknown, Hash: unknown, DH Grp:0, Auth sign: unknown, Auth verify: unknown",
        "      Life/Active Time: 0/0 sec", ""), out.lines().toList());
  }

  @Test
  void detailedNamesTheOwnerInstanceOfAScaledOutIkeService() {
    IkeSaSummary plain = sa();
    IkeSaSummary.Detail d = plain.detail();
    IkeSaSummary owned = new IkeSaSummary(plain.ikeSaId(), plain.dst(), plain.src(), plain.state(), plain.connId(),
        plain.status(), plain.peerId(), 2, 500, 500, plain.role(), CREATED, new IkeSaSummary.Detail(d.encr(),
            d.keySize(), d.prf(), d.hash(), d.dhGroup(), d.authSign(), d.authVerify(), d.lifetimeSeconds(),
            d.localSpi(), d.remoteSpi(), d.localId(), false, false, "ike-2"));
    String out = ShowCryptoIkev2Sa.render(GatewayConfig.empty(), List.of(owned), true, CREATED + 120_000);
    assertEquals(List.of("      Initiator of SA : Yes", "      Owner instance: ike-2"),
        out.lines().skip(13).limit(2).toList());
    assertTrue(ShowCryptoIkev2Sa.render(GatewayConfig.empty(), List.of(plain), true, CREATED).lines()
        .noneMatch(l -> l.contains("Owner instance")), "a single ike-service shows none");
  }
}
