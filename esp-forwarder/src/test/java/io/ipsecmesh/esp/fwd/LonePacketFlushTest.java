package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.Libc;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.tun.InnerPacketHandler;
import io.ipsecmesh.esp.tun.PacketPort;
import io.ipsecmesh.esp.tun.TcpCoalescer;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A packet alone waits for nothing: both batching stages hold a packet only until their side runs dry, never for a
 * batch to fill or a timer. Outbound, a batching sender (sendmmsg, UDP GSO) sends a lone ESP packet when the inner
 * side's batch ends; inbound, the TUN's receive-side coalescing writes a lone TCP segment when the outer socket's
 * receive batch ends. Under load both keep batching: packets that arrive together leave in one batch.
 */
class LonePacketFlushTest {

  private static final int[] HOST_A = {10, 91, 11, 10};
  private static final int[] HOST_B = {10, 91, 12, 10};
  private static final InetSocketAddress A_WAN = new InetSocketAddress("172.31.250.1", 4500);

  /** A batching sender that records what it holds and each flush, as sendmmsg/GSO would send it. */
  private static final class BatchRecorder implements EspSender {
    final List<byte[]> held = new ArrayList<>();
    final List<List<byte[]>> flushes = new ArrayList<>();

    @Override
    public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer) {
      held.add(Arrays.copyOfRange(buf.array(), off, off + len));
      return true;
    }

    @Override
    public boolean batching() {
      return true;
    }

    @Override
    public int flush() {
      flushes.add(List.copyOf(held));
      held.clear();
      return 0;
    }

    @Override
    public int family() {
      return Libc.AF_INET;
    }
  }

  /** A TUN with offloads minus the device: coalescing in front of a list of written packets. */
  private static final class CoalescingPort implements PacketPort {
    final List<byte[]> written = new ArrayList<>();
    final TcpCoalescer coalescer = new TcpCoalescer((buf, off, len, gso, hdr) ->
        written.add(Arrays.copyOfRange(buf.array(), off, off + len)));

    @Override
    public String name() {
      return "coalescing";
    }

    @Override
    public void start(InnerPacketHandler handler) {}

    @Override
    public boolean write(PacketBuffer buf, int off, int len) {
      return coalescer.write(buf, off, len);
    }

    @Override
    public void flush() {
      coalescer.flush();
    }

    @Override
    public void close() {}
  }

  private static DataPlane plane(GatewayConfig config, PacketPort inner, EspSender sender) {
    SaDatabase sad = new SaDatabase(p -> {});
    DataPlane plane = new DataPlane(sad, inner, sender, (m, s, l) -> {});
    sad.setSpd(SecurityPolicyDatabase.build(config));
    KeyWrap wrap = KeyWrap.fromEnvironment();
    for (ChildSa sa : ManualKeying.childSas(config, wrap, p -> {
      throw new AssertionError(p);
    })) {
      SaPair pair = new SaFactory(wrap, Libc.AF_INET).build(sa, true, sad.spd());
      pair.out.startAt(1, 1 << 20);
      sad.install(pair);
    }
    return plane;
  }

  private static void inner(DataPlane plane, byte[] packet) {
    PacketBuffer buf = new PacketBuffer();
    System.arraycopy(packet, 0, buf.array(), PacketBuffer.HEADROOM, packet.length);
    plane.outbound().onInnerPacket(buf, PacketBuffer.HEADROOM, packet.length);
  }

  private static DataPlane gatewayA(EspSender sender) {
    return plane(ManualKeyConfigs.gatewayA("172.31.250.1", "172.31.250.2", "10.91.11.0", "10.91.12.0"),
        new CoalescingPort(), sender);
  }

  @Test
  void aLonePacketLeavesWhenTheInnerSideRunsDry() {
    BatchRecorder sender = new BatchRecorder();
    DataPlane a = gatewayA(sender);
    inner(a, Packets.icmp4(HOST_A, HOST_B, 8, 1, 1));
    assertEquals(1, sender.held.size(), "sealed and handed to the batching sender");
    assertEquals(0, sender.flushes.size(), "not sent while the TUN may still have packets queued");

    a.outbound().onBatchEnd(); // the TUN read found its queue empty

    assertEquals(1, sender.flushes.size());
    assertEquals(1, sender.flushes.get(0).size(), "the lone packet left alone, not waiting for company");
    assertEquals(1, a.sad().pairs().get(0).outbound().encaps());
  }

  @Test
  void packetsQueuedTogetherLeaveInOneBatch() {
    BatchRecorder sender = new BatchRecorder();
    DataPlane a = gatewayA(sender);
    for (int i = 1; i <= 5; i++) {
      inner(a, Packets.udp4(HOST_A, HOST_B, 40000, 5201, 1000));
    }
    a.outbound().onBatchEnd();
    a.outbound().onBatchEnd(); // nothing held: no empty send

    assertEquals(1, sender.flushes.size());
    assertEquals(5, sender.flushes.get(0).size());
  }

  @Test
  void aLoneTcpSegmentReachesTheLanWhenTheReceiveBatchEnds() {
    BatchRecorder aOut = new BatchRecorder();
    DataPlane a = gatewayA(aOut);
    CoalescingPort lanB = new CoalescingPort();
    DataPlane b = plane(ManualKeyConfigs.gatewayB("172.31.250.2", "172.31.250.1", "10.91.12.0", "10.91.11.0"), lanB,
        new BatchRecorder());
    byte[] segment = tcpAck(HOST_A, HOST_B, 1000);
    inner(a, segment);
    a.outbound().onBatchEnd();
    byte[] esp = aOut.flushes.get(0).get(0);

    PacketBuffer rx = new PacketBuffer();
    System.arraycopy(esp, 0, rx.array(), PacketBuffer.HEADROOM, esp.length);
    b.inbound().onEsp(rx, PacketBuffer.HEADROOM, esp.length, A_WAN);
    assertEquals(0, lanB.written.size(), "held to coalesce with the segments of the same receive batch");

    b.inbound().onBatchEnd(); // recvmmsg found no more datagrams

    assertEquals(1, lanB.written.size(), "the lone segment is written when the socket runs dry");
    assertArrayEquals(segment, lanB.written.get(0));
  }

  /** An IPv4 TCP segment with ACK only and DF set: one that the TUN's coalescing may hold back. */
  static byte[] tcpAck(int[] src, int[] dst, int payload) {
    byte[] p = new byte[40 + payload];
    p[0] = 0x45;
    p[2] = (byte) (p.length >>> 8);
    p[3] = (byte) p.length;
    p[6] = 0x40;
    p[8] = 64;
    p[9] = 6;
    for (int i = 0; i < 4; i++) {
      p[12 + i] = (byte) src[i];
      p[16 + i] = (byte) dst[i];
    }
    Packets.fixIpv4Checksum(p);
    p[20] = (byte) 0x9c; // port 40000
    p[21] = 0x40;
    p[22] = 0x14; // port 5201
    p[23] = 0x51;
    p[27] = 1; // sequence number 1
    p[32] = 0x50; // data offset 5 words
    p[33] = 0x10; // ACK
    p[34] = (byte) 0xff; // window
    return p;
  }
}
