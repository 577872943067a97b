package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.sa.IkeSaSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShowCryptoIsakmpSaTest {

  @Test
  void rowsLineUpWithTheSeedExample() {
    String out = ShowCryptoIsakmpSa.render(List.of(
        new IkeSaSummary("b", "10.1.1.1", "10.2.2.2", "READY", 2, "DELETED", "", 2, 500, 500, "initiator", 0),
        new IkeSaSummary("a", "10.1.1.1", "10.2.2.2", "QM_IDLE", 1, "ACTIVE", "", 1, 500, 500, "responder", 0)));
    // the row of seeds/003 Router B, character for character: "  /           10.1.1.1    10.2.2.2    QM_IDLE    1         0"
    assertEquals("""
          f_vrf/i_vrf  dst          src          state      conn-id slot
          /           10.1.1.1    10.2.2.2    QM_IDLE    1         0
          /           10.1.1.1    10.2.2.2    READY      2         0 (deleted)
        """, out);
  }

  @Test
  void emptyTableIsTheHeaderOnly() {
    assertEquals(ShowCryptoIsakmpSa.HEADER, ShowCryptoIsakmpSa.render(List.of()));
  }

  @Test
  void theDetailLayoutNamesTheOwningIkeServiceInstanceBeneathEachRow() {
    IkeSaSummary.Detail d = new IkeSaSummary.Detail("AES-CBC", 256, "SHA256", "SHA256", 14, "PSK", "PSK", 86_400,
        "0102030405060708", "1112131415161718", "10.2.2.2", true, false, "ike-2");
    IkeSaSummary alone = new IkeSaSummary("c", "10.1.1.3", "10.2.2.2", "QM_IDLE", 500_001, "ACTIVE", "", 1, 500, 500,
        "Initiator", 0, new IkeSaSummary.Detail("3DES", 0, "SHA1", "SHA1", 2, "PSK", "PSK", 3_600, "01", "02",
            "10.2.2.2", false, false));
    IkeSaSummary owned = new IkeSaSummary("a", "10.1.1.1", "10.2.2.2", "QM_IDLE", 500_000, "ACTIVE", "", 1, 500, 4500,
        "Responder", 1_000, d);
    IkeSaSummary ikev2 = new IkeSaSummary("b", "10.1.1.2", "10.2.2.2", "READY", 1, "ACTIVE", "", 2, 500, 500,
        "initiator", 0);
    String out = ShowCryptoIsakmpSa.renderDetail(List.of(alone, ikev2, owned), 1_000 + 28_000);
    assertEquals(ShowCryptoIsakmpSa.DETAIL_HEADER + """
        500000 10.2.2.2        10.1.1.1               ACTIVE aes  sha256 psk  14 23:59:32 N
               Engine-id:Conn-id =  SW:500000
               Owner instance: ike-2
        500001 10.2.2.2        10.1.1.3               ACTIVE 3des sha1   psk  2  00:59:31
               Engine-id:Conn-id =  SW:500001
        """, out);
  }
}
