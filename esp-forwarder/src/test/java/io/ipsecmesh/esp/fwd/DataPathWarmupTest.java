package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.UdpEncapSocket;
import io.ipsecmesh.esp.spd.FlowKey;
import io.ipsecmesh.esp.spd.InnerPacketParser;
import io.ipsecmesh.proto.sa.EspTransform;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up of the packet path on a real epoll socket bound to 127.0.0.1 (no root needed): every
 * throwaway packet is sealed, sent, received, opened and handed to the inner side, by both kinds of batching
 * sender, and a forwarder that stops interrupts it.
 */
class DataPathWarmupTest {

  private static final long NO_DEADLINE = Long.MAX_VALUE / 2;

  private EventLoopGroup group;
  private UdpEncapSocket loopback;

  @BeforeEach
  void group() {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterEach
  void close() {
    if (loopback != null) {
      loopback.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private DataPathWarmup warmup(boolean zeroChecksum, Function<UdpEncapSocket, EspSender> sender)
      throws InterruptedException {
    loopback = new UdpEncapSocket(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, false,
        zeroChecksum);
    loopback.bind();
    // a clock that never reaches the deadline: the run ends by its packet count alone
    return new DataPathWarmup(loopback, sender.apply(loopback), () -> 0L);
  }

  @Test
  void everyPacketCrossesTheWholePathOnTheZeroChecksumSocketsSendmmsgBatches() throws Exception {
    List<DataPathWarmup.Result> r = warmup(true, UdpEncapSocket::mmsgSender)
        .run(DataPathWarmup.DEFAULT_TRANSFORMS, 1_000, NO_DEADLINE);
    assertEquals(DataPathWarmup.DEFAULT_TRANSFORMS, r.stream().map(DataPathWarmup.Result::transform).toList());
    for (DataPathWarmup.Result x : r) {
      assertEquals(1_000, x.sent(), x.transform() + " sealed and sent");
      assertEquals(1_000, x.received(), x.transform() + " received, opened and written inside");
    }
  }

  @Test
  void withComputedChecksumsTheGsoSenderCarriesThemToo() throws Exception {
    List<DataPathWarmup.Result> r = warmup(false, UdpEncapSocket::gsoSender)
        .run(List.of(EspTransform.AES_GCM_256), 700, NO_DEADLINE);
    assertEquals(1, r.size());
    assertEquals(700, r.get(0).sent());
    assertEquals(700, r.get(0).received());
  }

  @Test
  void aStoppingForwarderInterruptsItBeforeAnythingIsSent() throws Exception {
    DataPathWarmup w = warmup(true, UdpEncapSocket::mmsgSender);
    Thread.currentThread().interrupt();
    try {
      assertTrue(w.run(DataPathWarmup.DEFAULT_TRANSFORMS, 1_000, NO_DEADLINE).isEmpty());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aPastDeadlineSendsNothing() throws Exception {
    DataPathWarmup w = warmup(true, UdpEncapSocket::mmsgSender);
    assertTrue(w.run(DataPathWarmup.DEFAULT_TRANSFORMS, 1_000, 0L).isEmpty());
  }

  @Test
  void theInnerPacketsAreIcmpUdpAndTcpInTurnBetweenDocumentationAddresses() {
    byte[] a = new byte[200];
    FlowKey f = new FlowKey();
    int[] protocols = {1, 17, 6};
    for (int n = 513; n < 516; n++) {
      DataPathWarmup.innerPacket(a, 16, n, 2);
      assertTrue(InnerPacketParser.parse(a, 16, DataPathWarmup.PACKET, f));
      assertEquals(4, f.version);
      assertEquals(protocols[n % 3], f.protocol);
      assertEquals(0xC0000201L, f.srcLo & 0xFFFF_FFFFL); // 192.0.2.1 (RFC 5737)
      assertEquals(0xC6336402L, f.dstLo & 0xFFFF_FFFFL); // 198.51.100.2
      assertEquals(0, io.ipsecmesh.esp.Packets.checksum(a, 16, 20), "a valid IPv4 header checksum");
      if (f.protocol != 1) {
        assertEquals(40000, f.srcPort);
        assertEquals(5201, f.dstPort);
      }
    }
  }
}
