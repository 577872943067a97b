package io.ipsecmesh.esp.ha;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.io.OuterReceiver;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.tun.InnerPacketHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Handed-off packets enter the pipelines on their own threads, bounded, each batch flushed. */
class HandoffDeliveryTest {

  private static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.7", 4500);
  /** The socket's event loop, run when the test says. */
  private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
  private final List<String> inbound = new ArrayList<>();
  private final OuterReceiver receiver = new OuterReceiver() {
    @Override
    public void onEsp(PacketBuffer buf, int off, int len, InetSocketAddress sender) {
      inbound.add(sender + " " + Arrays.toString(Arrays.copyOfRange(buf.array(), off, off + len)));
    }

    @Override
    public void onIke(byte[] message, InetSocketAddress sender, InetSocketAddress local) {}

    @Override
    public void onKeepalive(InetSocketAddress sender) {}

    @Override
    public void onMalformed(InetSocketAddress sender) {}

    @Override
    public void onBatchEnd() {
      inbound.add("flush");
    }
  };

  @Test
  void inboundRunsOnTheSocketLoopAndAtMostMaxPendingWait() {
    List<String> sink = new ArrayList<>();
    try (HandoffDelivery d = new HandoffDelivery(loop::add, receiver, new SerialOutbound(capture(sink, null)))) {
      double backlog = EspHandoff.counted("received", "backlog");
      byte[] esp = {1, 2, 3, 4, 0, 0, 0, 1};
      for (int i = 0; i < HandoffDelivery.MAX_PENDING + 1; i++) {
        d.inbound(esp, 0, esp.length, PEER);
      }
      assertEquals(HandoffDelivery.MAX_PENDING, loop.size());
      assertEquals(backlog + 1, EspHandoff.counted("received", "backlog"));
      loop.poll().run();
      assertEquals(List.of(PEER + " [1, 2, 3, 4, 0, 0, 0, 1]", "flush"), inbound);
      d.inbound(esp, 0, esp.length, PEER); // one slot free again
      assertEquals(HandoffDelivery.MAX_PENDING, loop.size());
      assertEquals(backlog + 1, EspHandoff.counted("received", "backlog"));
    }
  }

  @Test
  void outboundGoesThroughTheSerialStageAndIsFlushedAtOnce() throws Exception {
    List<String> sink = new ArrayList<>();
    CountDownLatch flushed = new CountDownLatch(1);
    try (HandoffDelivery d = new HandoffDelivery(loop::add, receiver, new SerialOutbound(capture(sink, flushed)))) {
      byte[] inner = {0x45, 0, 0, 20, 9};
      d.outbound(inner, 0, inner.length);
      assertEquals(true, flushed.await(5, TimeUnit.SECONDS));
      synchronized (sink) {
        assertEquals(List.of(Arrays.toString(inner), "flush"), sink);
      }
    }
  }

  private static InnerPacketHandler capture(List<String> sink, CountDownLatch flushed) {
    return new InnerPacketHandler() {
      @Override
      public void onInnerPacket(PacketBuffer buf, int off, int len) {
        synchronized (sink) {
          sink.add(Arrays.toString(Arrays.copyOfRange(buf.array(), off, off + len)));
        }
      }

      @Override
      public void onBatchEnd() {
        synchronized (sink) {
          sink.add("flush");
        }
        if (flushed != null) {
          flushed.countDown();
        }
      }
    };
  }

  @Test
  void aFrameRoundTripsIntoTheTarget() {
    byte[] esp = {9, 8, 7, 6, 0, 0, 0, 2};
    List<byte[]> got = new ArrayList<>();
    EspHandoff.received(HandoffFrame.inbound(esp, 0, esp.length, PEER), new EspHandoff.Target() {
      @Override
      public void inbound(byte[] a, int off, int len, InetSocketAddress sender) {
        got.add(Arrays.copyOfRange(a, off, off + len));
      }

      @Override
      public void outbound(byte[] a, int off, int len) {
        throw new AssertionError("inbound frame");
      }
    });
    assertArrayEquals(esp, got.getFirst());
  }
}
