package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.proto.esp.EspHeader;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two data planes with manual keys, wired back to back in one JVM: LAN A → ESP → LAN B and back. */
class BackToBackPipelineTest {

  private static final InetSocketAddress A_WAN = new InetSocketAddress("172.31.250.1", 4500);
  private static final InetSocketAddress B_WAN = new InetSocketAddress("172.31.250.2", 4500);
  private static final int[] HOST_A = {10, 91, 11, 10};
  private static final int[] HOST_B = {10, 91, 12, 10};

  private TestGateway a;
  private TestGateway b;

  @BeforeEach
  void setUp() {
    a = new TestGateway().configure(ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0"));
    b = new TestGateway().configure(ManualKeyConfigs.gatewayB("172.31.250.2", "172.31.250.1", "10.91.12.0", "10.91.11.0"));
  }

  private byte[] sendFromA(byte[] inner) {
    a.port.inject(inner);
    TestGateway.CapturingSender.Sent s = a.sent.packets.poll();
    assertNotNull(s, "A sent nothing");
    assertEquals(B_WAN, s.to());
    return s.packet();
  }

  @Test
  void innerPacketCrossesBothGatewaysUnchanged() throws Exception {
    byte[] inner = Packets.udp4(HOST_A, HOST_B, 40000, 5201, 1000);
    byte[] esp = sendFromA(inner);
    assertEquals((int) ManualKeyConfigs.SPI_A_TO_B, EspHeader.readSpi(esp, 0));
    assertEquals(1, EspHeader.readSeqLow(esp, 0));
    b.receive(esp, A_WAN);
    assertArrayEquals(inner, b.port.poll(0));

    byte[] reply = Packets.udp4(HOST_B, HOST_A, 5201, 40000, 10);
    b.port.inject(reply);
    byte[] back = b.sent.packets.poll().packet();
    assertEquals((int) ManualKeyConfigs.SPI_B_TO_A, EspHeader.readSpi(back, 0));
    a.receive(back, B_WAN);
    assertArrayEquals(reply, a.port.poll(0));

    SaPair sa = a.onlySa();
    assertEquals(1, sa.outbound().encaps());
    assertEquals(1, sa.inbound().decaps());
    assertEquals(inner.length, sa.outbound().encapBytes());
  }

  @Test
  void ipv6InnerPacketOfAnIpv4AclIsNotProtected() {
    byte[] v6 = Packets.udp6(new byte[16], new byte[16], 8);
    a.port.inject(v6);
    assertTrue(a.sent.packets.isEmpty());
    assertEquals(1, a.plane.stats().innerClear());
  }

  @Test
  void sequenceNumbersIncreaseAndAreNeverReused() {
    for (int i = 1; i <= 5; i++) {
      byte[] esp = sendFromA(Packets.udp4(HOST_A, HOST_B, 1, 2, 100));
      assertEquals(i, EspHeader.readSeqLow(esp, 0));
    }
    assertEquals(6, a.onlySa().outbound().nextSequence());
  }

  @Test
  void replayedPacketIsCountedAndDropped() throws Exception {
    byte[] esp = sendFromA(Packets.udp4(HOST_A, HOST_B, 1, 2, 64));
    b.receive(esp.clone(), A_WAN);
    b.receive(esp.clone(), A_WAN);
    assertNotNull(b.port.poll(0));
    assertNull(b.port.poll(0));
    assertEquals(1, b.onlySa().inbound().replayFailures());
    assertEquals(1, b.onlySa().inbound().decaps());
  }

  @Test
  void tamperedPacketFailsVerification() throws Exception {
    byte[] esp = sendFromA(Packets.udp4(HOST_A, HOST_B, 1, 2, 64));
    esp[esp.length - 20] ^= 1;
    b.receive(esp, A_WAN);
    assertNull(b.port.poll(0));
    assertEquals(1, b.onlySa().inbound().authFailures());
    assertEquals(1, b.onlySa().inbound().recvErrors());
    // a forged packet must not move the window: the genuine one with the same number still passes
    byte[] next = sendFromA(Packets.udp4(HOST_A, HOST_B, 1, 2, 64));
    b.receive(next, A_WAN);
    assertNotNull(b.port.poll(0));
  }

  @Test
  void unknownSpiIsCountedAndSignalledRateLimited() {
    byte[] esp = sendFromA(Packets.udp4(HOST_A, HOST_B, 1, 2, 64));
    EspHeader.writeInt(esp, 0, 0x7AA69CB7);
    b.receive(esp, A_WAN);
    b.receive(esp, A_WAN);
    assertEquals(2, b.plane.stats().invalidSpi());
    long[][] got = new long[1][];
    int n = b.plane.invalidSpis().drain(r -> got[0] = r.clone());
    assertEquals(1, n, "the second signal within 100 ms is suppressed");
    assertEquals(0x7AA69CB7L, got[0][0]);
    assertEquals(4500, got[0][3]);
  }

  @Test
  void decryptedPacketOutsideTheSelectorsIsDropped() throws Exception {
    // a gateway A with B's SPIs and keys whose ACL protects 10.91.0.0/24 -> 10.91.12.0/24: B's
    // mirrored ACL (10.91.12.0/24 <- 10.91.11.0/24) does not cover what it sends
    TestGateway wide = new TestGateway().configure(
        ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.0.0", "10.91.12.0"));
    byte[] inner = Packets.udp4(new int[] {10, 91, 0, 10}, HOST_B, 1, 2, 64);
    wide.port.inject(inner);
    byte[] esp = wide.sent.packets.poll().packet();
    b.receive(esp, A_WAN);
    assertNull(b.port.poll(0));
    assertEquals(1, b.onlySa().inbound().policyFailures());
  }

  @Test
  void sendFailureIsASendError() {
    a.sent.accept = false;
    a.port.inject(Packets.udp4(HOST_A, HOST_B, 1, 2, 64));
    assertEquals(1, a.onlySa().outbound().sendErrors());
    assertEquals(0, a.onlySa().outbound().encaps());
  }

  @Test
  void noPacketBeyondTheReservedSequenceBlock() {
    SaPair sa = a.onlySa();
    sa.out.startAt(1, 2);
    for (int i = 0; i < 3; i++) {
      a.port.inject(Packets.udp4(HOST_A, HOST_B, 1, 2, 64));
    }
    assertEquals(2, a.sent.packets.size());
    assertEquals(1, sa.outbound().sendErrors());
    sa.out.grant(100, 200); // another owner held 3..99
    a.port.inject(Packets.udp4(HOST_A, HOST_B, 1, 2, 64));
    a.sent.packets.poll();
    a.sent.packets.poll();
    assertEquals(100, EspHeader.readSeqLow(a.sent.packets.poll().packet(), 0));
  }

  @Test
  void malformedInnerPacketIsACountedDrop() {
    a.port.inject(new byte[] {0x45, 0, 0});
    a.port.inject(new byte[] {0x10});
    assertEquals(2, a.plane.stats().innerMalformed());
    assertTrue(a.sent.packets.isEmpty());
  }

  @Test
  void truncatedEspIsARecvErrorNotAnException() {
    byte[] esp = sendFromA(Packets.udp4(HOST_A, HOST_B, 1, 2, 64));
    byte[] cut = java.util.Arrays.copyOf(esp, 20);
    b.receive(cut, A_WAN);
    assertEquals(1, b.onlySa().inbound().recvErrors());
  }
}
