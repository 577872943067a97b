package io.ipsecmesh.ike.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Call admission by load: new IKE SAs shed while the IKE socket holds at least the threshold. */
class NewSaLoadShedderTest {

  private static byte[] ikev2(long spiR, int flags) {
    return IkeCodec.encode(new IkeMessage(new IkeHeader(0x1122334455667788L, spiR, 0, 2, 0,
        IkeConstants.IKE_SA_INIT, flags, 0, 0), List.of()));
  }

  private static final byte[] INIT_REQUEST = ikev2(0, IkeConstants.FLAG_INITIATOR);
  private static final byte[] DPD_REQUEST = ikev2(0x99L, IkeConstants.FLAG_INITIATOR);

  @Test
  void onlyTheFirstMessageOfANewSaIsEverShed() {
    assertTrue(NewSaLoadShedder.opensNewSa(INIT_REQUEST));
    assertFalse(NewSaLoadShedder.opensNewSa(DPD_REQUEST), "an established SA's request names its responder SPI");
    assertFalse(NewSaLoadShedder.opensNewSa(ikev2(0, IkeConstants.FLAG_RESPONSE)), "an answer to our own IKE_SA_INIT");
    byte[] mainMode1 = new byte[28];
    mainMode1[0] = 1; // initiator cookie, responder cookie zero
    mainMode1[17] = 0x10;
    mainMode1[18] = 2;
    assertTrue(NewSaLoadShedder.opensNewSa(mainMode1), "IKEv1 Main Mode's first message");
    assertFalse(NewSaLoadShedder.opensNewSa(new byte[27]), "shorter than a header: for the protocols to count");
    assertFalse(NewSaLoadShedder.opensNewSa(null));
  }

  @Test
  void newSasAreShedWhileTheSocketHoldsTheThresholdAndAdmittedOnceItIsRead() {
    NewSaLoadShedder shedder = new NewSaLoadShedder(1 << 20);
    shedder.observe((1 << 20) - 1);
    assertFalse(shedder.sheds(INIT_REQUEST));
    shedder.observe(1 << 20);
    assertTrue(shedder.sheds(INIT_REQUEST));
    assertFalse(shedder.sheds(DPD_REQUEST), "established SAs' messages always pass");
    shedder.observe(0);
    assertFalse(shedder.sheds(INIT_REQUEST));
  }

  @Test
  void zeroSwitchesItOff() {
    NewSaLoadShedder off = new NewSaLoadShedder(0);
    off.observe(8 << 20);
    assertFalse(off.sheds(INIT_REQUEST));
  }
}
