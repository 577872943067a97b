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
}
