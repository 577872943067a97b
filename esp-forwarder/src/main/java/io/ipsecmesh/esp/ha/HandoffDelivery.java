package io.ipsecmesh.esp.ha;

import io.ipsecmesh.esp.io.OuterReceiver;
import io.ipsecmesh.esp.io.PacketBuffer;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts packets other instances handed to this one into its pipelines on the threads that own them: inbound ESP
 * on the 4500 socket's event loop (one thread per replay window, as for the socket's own packets), outbound inner
 * packets on a hand-off thread through {@link SerialOutbound}. Each side queues at most {@link #MAX_PENDING};
 * more are dropped and counted ({@code outcome="backlog"}).
 */
public final class HandoffDelivery implements EspHandoff.Target, AutoCloseable {

  public static final int MAX_PENDING = 4096;

  private final Executor socketLoop;
  private final OuterReceiver inbound;
  private final SerialOutbound outbound;
  private final AtomicInteger inboundPending = new AtomicInteger();
  private final ThreadPoolExecutor outboundThread;
  /** Belongs to the socket's event loop (inbound copies). */
  private final PacketBuffer inBuf = new PacketBuffer();
  /** Belongs to the hand-off thread (outbound copies). */
  private final PacketBuffer outBuf = new PacketBuffer();

  public HandoffDelivery(Executor socketLoop, OuterReceiver inbound, SerialOutbound outbound) {
    this.socketLoop = socketLoop;
    this.inbound = inbound;
    this.outbound = outbound;
    this.outboundThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_PENDING),
        r -> Thread.ofPlatform().name("esp-handoff-out").daemon().unstarted(r), (r, e) -> {
          throw new RejectedExecutionException("backlog");
        });
  }

  @Override
  public void inbound(byte[] a, int off, int len, InetSocketAddress sender) {
    if (inboundPending.incrementAndGet() > MAX_PENDING) {
      inboundPending.decrementAndGet();
      EspHandoff.count("received", "backlog");
      return;
    }
    try {
      socketLoop.execute(() -> {
        inboundPending.decrementAndGet();
        System.arraycopy(a, off, inBuf.array(), PacketBuffer.HEADROOM, len);
        EspHandoff.delivering(() -> {
          inbound.onEsp(inBuf, PacketBuffer.HEADROOM, len, sender);
          inbound.onBatchEnd();
        });
      });
    } catch (RejectedExecutionException e) {
      inboundPending.decrementAndGet(); // the socket is closing
    }
  }

  @Override
  public void outbound(byte[] a, int off, int len) {
    try {
      outboundThread.execute(() -> {
        System.arraycopy(a, off, outBuf.array(), PacketBuffer.HEADROOM, len);
        EspHandoff.delivering(() -> outbound.handedOff(outBuf, PacketBuffer.HEADROOM, len));
      });
    } catch (RejectedExecutionException e) {
      EspHandoff.count("received", "backlog");
    }
  }

  @Override
  public void close() {
    outboundThread.shutdownNow();
  }
}
