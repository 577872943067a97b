package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.io.PacketBuffer;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * "All devices MUST be able to receive and process both UDP-encapsulated ESP and non-UDP-encapsulated ESP
 * packets at any time. Either side can decide whether or not to use UDP encapsulation for ESP irrespective of
 * the choice made by the other side" (RFC 7296 §2.23). Gateway "a" UDP-encapsulates, "b" may not: b decrypts
 * a's ESP whichever way it came; only UDP-encapsulated ESP may move where b's encapsulated SA sends.
 */
class EspEitherEncapsulationTest {

  private static final InetSocketAddress A_WAN = new InetSocketAddress("172.31.250.1", 4500);
  private static final int[] HOST_A = {10, 91, 11, 10};
  private static final int[] HOST_B = {10, 91, 12, 10};

  private static TestGateway gatewayA() {
    return new TestGateway().configure(ManualKeyConfigs.withNatTransparency(
        ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0"), true));
  }

  private static TestGateway gatewayB(boolean udp) {
    return new TestGateway().configure(ManualKeyConfigs.withNatTransparency(
        ManualKeyConfigs.gatewayB("172.31.250.2", "172.31.250.1", "10.91.12.0", "10.91.11.0"), udp));
  }

  private static byte[] espFrom(TestGateway a) {
    a.port.inject(Packets.udp4(HOST_A, HOST_B, 40000, 5201, 100));
    return a.sent.packets.poll().packet();
  }

  private static void receiveRaw(TestGateway g, byte[] esp, InetSocketAddress from) {
    System.arraycopy(esp, 0, g.rx.array(), PacketBuffer.HEADROOM, esp.length);
    g.plane.inbound().onRawEsp(g.rx, PacketBuffer.HEADROOM, esp.length, from);
  }

  @Test
  void udpEncapsulatedEspIsDecryptedForAnSaNegotiatedRaw() throws Exception {
    TestGateway a = gatewayA();
    TestGateway b = gatewayB(false);
    assertFalse(b.onlySa().sa().udpEncapsulation());
    b.receive(espFrom(a), A_WAN);
    assertNotNull(b.port.poll(0), "on b's inner side");
    assertEquals(1, b.onlySa().inbound().decaps());
    assertEquals(0, b.onlySa().inbound().recvErrors());
    assertEquals(0, b.onlySa().inbound().peerMoves(), "a raw SA follows no port");
  }

  @Test
  void rawEspIsDecryptedForAnEncapsulatedSaAndMovesNothing() throws Exception {
    TestGateway a = gatewayA();
    TestGateway b = gatewayB(true);
    receiveRaw(b, espFrom(a), new InetSocketAddress(A_WAN.getAddress(), 0));
    assertNotNull(b.port.poll(0), "on b's inner side");
    assertEquals(1, b.onlySa().inbound().decaps());
    assertEquals(0, b.onlySa().inbound().peerMoves(), "raw ESP names no port to follow");
    b.port.inject(Packets.udp4(HOST_B, HOST_A, 5201, 40000, 10));
    assertEquals(A_WAN, b.sent.packets.poll().to(), "b still sends ESP-in-UDP to a's 4500");
  }

  @Test
  void eitherWayAForgedPacketIsRefusedByTheIcv() throws Exception {
    TestGateway a = gatewayA();
    TestGateway b = gatewayB(false);
    byte[] forged = espFrom(a);
    forged[forged.length - 20] ^= 1;
    b.receive(forged, A_WAN);
    assertEquals(1, b.onlySa().inbound().authFailures());
    assertNull(b.port.poll(0), "nothing reaches the inner side");
  }
}
