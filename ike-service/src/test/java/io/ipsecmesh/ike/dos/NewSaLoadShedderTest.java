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

  /** {@code /proc/net/udp} of a gateway: IKE on 500 with 12 KB waiting, UDP 4500 and a resolver socket beside it. */
  @Test
  void theBacklogIsTheRxQueueOfTheSocketsOnThePort() {
    String udp = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          123: 00000000:01F4 00000000:0000 07 00000000:00003000 00:00000000 00000000     0        0 4242 2 0000000000000000 0
          124: 00000000:1194 00000000:0000 07 00000000:00FF0000 00:00000000 00000000     0        0 4243 2 0000000000000000 0
          125: 0100007F:A1F4 0100007F:01F4 01 00000000:00000400 00:00000000 00000000     0        0 4244 2 0000000000000000 0
        """;
    assertEquals(0x3000, NewSaLoadShedder.queued(udp, 500), "port 500 only, not 4500 nor a socket whose peer is 500");
    String udp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when
           7: 00000000000000000000000000000000:01F4 00000000000000000000000000000000:0000 07 00000000:00000800 00:00000000
        """;
    assertEquals(0x800, NewSaLoadShedder.queued(udp6, 500));
    assertEquals(0, NewSaLoadShedder.queued("garbage\n1: x:y z 07 q:r\n", 500), "what does not parse counts nothing");
  }

  @Test
  void onThisHostTheKernelsCountIsRead() throws Exception {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
        java.net.DatagramSocket c = new java.net.DatagramSocket()) {
      org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/udp")),
          "Linux only");
      assertEquals(0, NewSaLoadShedder.queued(s.getLocalPort()));
      byte[] d = new byte[200];
      for (int i = 0; i < 10; i++) {
        c.send(new java.net.DatagramPacket(d, d.length, s.getLocalSocketAddress()));
      }
      assertTrue(NewSaLoadShedder.queued(s.getLocalPort()) >= 10 * 200, "ten unread datagrams wait");
    }
  }
}
